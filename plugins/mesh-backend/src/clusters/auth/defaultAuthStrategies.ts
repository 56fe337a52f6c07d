import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  AksStrategy,
  AnonymousStrategy,
  AwsIamStrategy,
  AzureIdentityStrategy,
  GoogleServiceAccountStrategy,
  GoogleStrategy,
  OidcStrategy,
  ServiceAccountStrategy,
} from '@backstage/plugin-kubernetes-backend';
import type { MeshAuthStrategy } from '@meshport/backstage-plugin-mesh-node';

/**
 * The Kubernetes plugin's own strategies under the `authProvider` keys it registers them
 * with (plugins/kubernetes-backend/src/auth/buildDefaultAuthStrategyMap.ts, not exported),
 * so a cluster is read with the same credentials the plugin would use.
 */
export function defaultAuthStrategies(options: {
  config: Config;
  logger: LoggerService;
}): Map<string, MeshAuthStrategy> {
  const { config, logger } = options;
  return new Map<string, MeshAuthStrategy>([
    ['aks', new AksStrategy()],
    ['aws', new AwsIamStrategy({ config })],
    ['azure', new AzureIdentityStrategy(logger)],
    ['google', new GoogleStrategy()],
    ['googleServiceAccount', new GoogleServiceAccountStrategy({ config })],
    ['localKubectlProxy', new AnonymousStrategy()],
    ['oidc', new OidcStrategy()],
    ['serviceAccount', new ServiceAccountStrategy()],
  ]);
}
