import { codeOwnersPresence } from './codeOwnersPresence';

describe('codeOwnersPresence', () => {
  it.each([
    [{}, 'absent'],
    [{ 'policies/bookinfo/reviews/a.yaml': 'x' }, 'absent'],
    [{ 'policies/CODEOWNERS': '* @acme/platform' }, 'absent'],
    [{ CODEOWNERS: '* @acme/platform' }, 'unknown'],
    [{ '.github/CODEOWNERS': '' }, 'unknown'],
    [{ '.gitlab/CODEOWNERS': '* @platform' }, 'unknown'],
    [{ 'docs/CODEOWNERS': '* @platform' }, 'unknown'],
  ])('%j is %s', (files, expected) => {
    expect(codeOwnersPresence({ files })).toBe(expected);
  });
});
