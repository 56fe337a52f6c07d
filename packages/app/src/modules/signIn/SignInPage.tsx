import { SignInPage as CoreSignInPage } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { signInProviders } from './signInProviders';

/** The sign-in page: GitHub in production, guest in development and the demo. */
export function SignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  return (
    <CoreSignInPage
      {...props}
      providers={signInProviders(config.getOptionalString('auth.environment'))}
    />
  );
}
