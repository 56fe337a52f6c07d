import {
  BranchFileFilter,
  isBranchFile,
  MAX_BRANCH_FILE_BYTES,
  MAX_BRANCH_FILES,
} from './branchFiles';

describe('isBranchFile', () => {
  it.each([
    'policies/bookinfo/trafficpolicy-reviews.yaml',
    'rendered/cluster-1/bookinfo/vs.yaml',
    'policies/a name with spaces.yaml',
    'CODEOWNERS',
    '.github/CODEOWNERS',
    '.gitlab/CODEOWNERS',
    'docs/CODEOWNERS',
  ])('reads %s', path => expect(isBranchFile(path)).toBe(true));

  it.each([
    'README.md',
    'policiesx/a.yaml',
    'scripts/policies/a.yaml',
    'policies/',
    'policies/../secret',
    'rendered//a.yaml',
    'src/CODEOWNERS',
    'codeowners',
    '',
  ])('skips %j', path => expect(isBranchFile(path)).toBe(false));
});

describe('BranchFileFilter', () => {
  it('keeps files within the limits and names the first one over them', () => {
    const filter = new BranchFileFilter();
    expect(filter.filter('policies/a.yaml', { size: 10 })).toBe(true);
    expect(filter.filter('README.md', { size: 10 })).toBe(false);
    expect(filter.problem('branch main')).toBeUndefined();
    expect(
      filter.filter('rendered/big.yaml', { size: MAX_BRANCH_FILE_BYTES + 1 }),
    ).toBe(false);
    expect(filter.filter('rendered/big2.yaml', { size: 10_000_000 })).toBe(
      false,
    );
    expect(filter.problem('branch main')).toBe(
      'rendered/big.yaml in branch main is 257 KiB (and 1 more), over the 256 KiB Meshport reads per file: split it or remove it from policies/ and rendered/',
    );
  });

  it('refuses a branch with more files than the limit', () => {
    const filter = new BranchFileFilter();
    for (let i = 0; i < MAX_BRANCH_FILES; i++) {
      filter.filter(`rendered/${i}.yaml`, { size: 1 });
    }
    expect(filter.problem('branch main')).toBeUndefined();
    expect(filter.filter('rendered/one-more.yaml', { size: 1 })).toBe(false);
    expect(filter.problem('branch main')).toMatch(
      /holds more than 100,000 files .* split the policies over several repositories/,
    );
  });
});
