import { codeOwnersChange } from './codeOwnersChange';

const DEFAULTS = '* @acme/platform\n/CODEOWNERS @acme/platform\n';
const request = {
  namespace: 'bookinfo',
  service: 'reviews',
  owners: ['@acme/bookinfo'],
};

describe('codeOwnersChange', () => {
  it("adds the destination's folders with its owners, keeping the rest as written", () => {
    expect(
      codeOwnersChange({
        ...request,
        provider: 'github',
        files: { 'docs/CODEOWNERS': `# ours\n${DEFAULTS}` },
      }),
    ).toEqual({
      path: 'docs/CODEOWNERS',
      changed: true,
      content: `# ours\n${DEFAULTS}\n/policies/bookinfo/reviews/ @acme/bookinfo\n/rendered/*/bookinfo/reviews/ @acme/bookinfo\n`,
    });
  });

  it('uses the file the SCM reads: .github/ first on GitHub, the root first on GitLab', () => {
    const files = {
      CODEOWNERS: DEFAULTS,
      '.github/CODEOWNERS': DEFAULTS,
      '.gitlab/CODEOWNERS': DEFAULTS,
    };
    expect(
      codeOwnersChange({ ...request, provider: 'github', files }),
    ).toMatchObject({ path: '.github/CODEOWNERS' });
    expect(
      codeOwnersChange({ ...request, provider: 'gitlab', files }),
    ).toMatchObject({ path: 'CODEOWNERS' });
    expect(
      codeOwnersChange({
        ...request,
        provider: 'gitlab',
        files: { '.gitlab/CODEOWNERS': DEFAULTS },
      }),
    ).toMatchObject({ path: '.gitlab/CODEOWNERS' });
  });

  it('is unchanged when the rules are already current', () => {
    const current = `${DEFAULTS}\n/policies/bookinfo/reviews/ @acme/bookinfo\n/rendered/*/bookinfo/reviews/ @acme/bookinfo\n`;
    expect(
      codeOwnersChange({
        ...request,
        provider: 'github',
        files: { CODEOWNERS: current },
      }),
    ).toEqual({ path: 'CODEOWNERS', content: current, changed: false });
  });

  it("gives the file's default owners the folders of owners without an SCM identity", () => {
    const change = codeOwnersChange({
      ...request,
      owners: [],
      provider: 'github',
      files: { CODEOWNERS: DEFAULTS },
    });
    expect(change).toMatchObject({ changed: true });
    expect('content' in change && change.content).toContain(
      '/policies/bookinfo/reviews/ @acme/platform',
    );
  });

  it('leaves a repository without CODEOWNERS alone, saying how to write one', () => {
    expect(
      codeOwnersChange({ ...request, provider: 'github', files: {} }),
    ).toEqual({
      note: expect.stringContaining(
        'CODEOWNERS was not changed: the repository has none',
      ),
    });
  });

  it('says why when nobody could be named', () => {
    expect(
      codeOwnersChange({
        ...request,
        owners: [],
        provider: 'gitlab',
        files: { CODEOWNERS: '# empty\n' },
      }),
    ).toEqual({
      note: "CODEOWNERS was not changed: the catalog knows no GitLab identity for bookinfo/reviews's owners and the file names no default owners (a `*` rule).",
    });
  });

  it('says why an owner cannot be written', () => {
    const change = codeOwnersChange({
      ...request,
      owners: ['@acme/book info'],
      provider: 'github',
      files: { CODEOWNERS: DEFAULTS },
    });
    expect(change).toEqual({
      note: expect.stringMatching(
        /^CODEOWNERS was not changed: .*"@acme\/book info" is not an owner GitHub CODEOWNERS can name/,
      ),
    });
  });
});
