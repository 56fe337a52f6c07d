import { parseCodeOwners } from './parseCodeOwners';

describe('parseCodeOwners', () => {
  it('reads rules in order, skipping comments and blank lines', () => {
    expect(
      parseCodeOwners(
        '# header\n\n*   @acme/platform\r\n  /docs/ @a @b  \n# /old/ @x\n',
      ),
    ).toEqual([
      { section: undefined, pattern: '*', owners: ['@acme/platform'], line: 3 },
      { section: undefined, pattern: '/docs/', owners: ['@a', '@b'], line: 4 },
    ]);
  });

  it("keeps GitLab's sections and escaped spaces", () => {
    expect(
      parseCodeOwners(
        '[Docs][2] @docs\npath\\ with\\ spaces/ @space\n^[Optional]\n/x/ @y\n',
      ),
    ).toEqual([
      {
        section: '[Docs][2] @docs',
        pattern: 'path\\ with\\ spaces/',
        owners: ['@space'],
        line: 2,
      },
      { section: '^[Optional]', pattern: '/x/', owners: ['@y'], line: 4 },
    ]);
  });

  it('reads a rule without owners as such, and nothing from an empty file', () => {
    expect(parseCodeOwners('/apps/github\n')).toEqual([
      { section: undefined, pattern: '/apps/github', owners: [], line: 1 },
    ]);
    expect(parseCodeOwners('')).toEqual([]);
  });
});
