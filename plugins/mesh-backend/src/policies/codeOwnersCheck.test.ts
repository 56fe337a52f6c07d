import { effectiveCodeOwners, repositoryServices } from './codeOwnersCheck';

describe('effectiveCodeOwners', () => {
  it.each([
    ['github', { CODEOWNERS: 'a', 'docs/CODEOWNERS': 'b' }, 'CODEOWNERS'],
    [
      'github',
      { CODEOWNERS: 'a', '.github/CODEOWNERS': 'b' },
      '.github/CODEOWNERS',
    ],
    ['github', { '.gitlab/CODEOWNERS': 'a' }, undefined],
    ['github', { 'policies/CODEOWNERS': 'a' }, undefined],
    ['gitlab', { CODEOWNERS: 'a', '.gitlab/CODEOWNERS': 'b' }, 'CODEOWNERS'],
    ['gitlab', { '.github/CODEOWNERS': 'a' }, undefined],
    [
      'gitlab',
      { 'docs/CODEOWNERS': 'a', '.gitlab/CODEOWNERS': 'b' },
      'docs/CODEOWNERS',
    ],
  ] as const)('%s reads %j at %s', (provider, files, expected) => {
    expect(effectiveCodeOwners(provider, { files })?.path).toBe(expected);
  });
});

describe('repositoryServices', () => {
  it('takes the policy folders, not files beside them or rendered objects', () => {
    expect(
      repositoryServices(
        {
          files: {
            'policies/bookinfo/reviews/a.yaml': '',
            'policies/bookinfo/reviews/b.yaml': '',
            'policies/bookinfo/details.yaml': '',
            'policies/README.md': '',
            'rendered/cluster-1/orders/orders/vs.yaml': '',
            CODEOWNERS: '',
          },
        },
        [],
      ),
    ).toEqual(['bookinfo/reviews']);
  });
});
