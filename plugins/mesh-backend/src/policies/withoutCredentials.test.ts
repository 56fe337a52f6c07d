import { withoutCredentials } from './withoutCredentials';

describe('withoutCredentials', () => {
  it.each([
    [
      'fetch https://x-access-token:ghs_abcdefghijklmnop@github.com/acme/p failed',
      'fetch https://***@github.com/acme/p failed',
    ],
    [
      'GET https://gitlab.example.com/api/v4/projects?private_token=glpat-abcdefghij12&x=1: 401',
      'GET https://gitlab.example.com/api/v4/projects?private_token=***&x=1: 401',
    ],
    [
      'header Authorization: Bearer abc.def.ghi was refused',
      'header Authorization: Bearer *** was refused',
    ],
    ['token ghp_0123456789abcdefABCDEF revoked', 'token *** revoked'],
    ['token glpat-0123456789abcdef revoked', 'token *** revoked'],
    [
      'GitHub answered 404: repository acme/mesh-policies not found',
      'GitHub answered 404: repository acme/mesh-policies not found',
    ],
    ['', ''],
  ])('%j', (message, expected) => {
    expect(withoutCredentials(message)).toBe(expected);
  });
});
