import type { IdentityProviders } from '@backstage/core-components';
import { githubAuthApiRef } from '@backstage/frontend-plugin-api';

/**
 * The sign-in choices for an auth environment (`auth.environment`, which the frontend sees).
 * Production offers GitHub only: the backend's guest provider refuses every environment but
 * development, so a guest button there could only fail. Anything else (the demo, the e2e
 * tests) offers guest, because no GitHub OAuth app is configured there.
 */
export function signInProviders(
  environment: string | undefined,
): IdentityProviders {
  if (environment === 'production') {
    return [
      {
        id: 'github-auth-provider',
        title: 'GitHub',
        message: 'Sign in with your GitHub account',
        apiRef: githubAuthApiRef,
      },
    ];
  }
  return ['guest'];
}
