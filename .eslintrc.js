// Every package's own .eslintrc.js comes from Backstage's eslint-factory, which sets no
// `root`, so ESLint merges this file under each of them: what is here applies to every package.
module.exports = {
  root: true,
  settings: {
    // eslint-plugin-import only follows files whose extension it is told about, and its default
    // node resolver only tries `.js`; without these it cannot see one TypeScript module import
    // another, and import/no-cycle passes on any cycle.
    'import/extensions': ['.ts', '.tsx', '.js', '.jsx'],
    'import/resolver': {
      node: { extensions: ['.ts', '.tsx', '.js', '.jsx', '.json'] },
    },
  },
  rules: {
    // A cycle makes module order matter (a value read before its module ran is undefined) and
    // hides which layer owns what; shared types go where both sides import them downward.
    // ignoreExternal: a cycle can only run through this package's own files (anything outside
    // the package directory counts as external), and following imports into node_modules
    // tripled `yarn lint:all` (21 s to 73 s) for nothing.
    'import/no-cycle': ['error', { ignoreExternal: true, disableScc: true }],
  },
};
