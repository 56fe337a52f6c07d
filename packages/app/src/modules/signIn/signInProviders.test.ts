import { githubAuthApiRef } from '@backstage/frontend-plugin-api';
import { signInProviders } from './signInProviders';

describe('signInProviders', () => {
  it('offers GitHub, and no guest, in production', () => {
    const providers = signInProviders('production');
    expect(providers).toEqual([
      expect.objectContaining({
        id: 'github-auth-provider',
        apiRef: githubAuthApiRef,
      }),
    ]);
    expect(providers).not.toContain('guest');
  });

  it('offers guest in development and when no environment is set (the demo)', () => {
    expect(signInProviders('development')).toEqual(['guest']);
    expect(signInProviders(undefined)).toEqual(['guest']);
  });
});
