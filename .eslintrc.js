// Every package's own .eslintrc.js comes from Backstage's eslint-factory, which sets no
// `root`, so ESLint merges this file under each of them: what is here applies to every package.
module.exports = {
  root: true,
  plugins: ['import'],
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
    // The rule skips `import type`, which has no runtime effect
    // (https://github.com/import-js/eslint-plugin-import/blob/main/docs/rules/no-cycle.md).
    // ignoreExternal: only this package's own files are followed (another workspace package
    // counts as external; packages already depend on each other one way only). disableScc: the
    // strongly-connected-components pre-pass walks every import into node_modules even with
    // ignoreExternal, which more than tripled lint:all's CPU time (18 s to 69 s); without it
    // the rule adds about 5 s.
    'import/no-cycle': ['error', { ignoreExternal: true, disableScc: true }],
  },
};
