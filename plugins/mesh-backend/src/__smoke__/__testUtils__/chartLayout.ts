/**
 * How the Backstage Helm chart (backstage/charts, chart `backstage`) starts a replica from
 * deploy/helm/values.yaml, read from its templates/backstage-deployment.yaml and
 * templates/app-config-configmap.yaml (chart 2.8.2):
 *
 * - the container runs `backstage.command` with `backstage.args`, then, when
 *   `backstage.appConfig` is set, `--config <installDir>/app-config-from-configmap.yaml`, a
 *   ConfigMap holding `appConfig` as YAML (installDir defaults to /app, the image's WORKDIR);
 * - its environment is `APP_CONFIG_backend_listen_port` = `containerPorts.backend` (7007 by
 *   default), the POSTGRES_* of the bundled PostgreSQL when `postgresql.enabled`, then
 *   `backstage.extraEnvVars` (plain values, or `valueFrom.secretKeyRef` from Secrets).
 */
import { stringify } from 'yaml';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface HelmValues {
  backstage: {
    command?: string[];
    args?: string[];
    appConfig?: unknown;
    extraEnvVars?: EnvVar[];
    containerPorts?: { backend?: number };
    installDir?: string;
  };
  postgresql?: { enabled?: boolean };
}

export interface ChartReplica {
  argv: string[];
  env: Record<string, string>;
  /** Files the chart mounts, by path relative to installDir. */
  files: Record<string, string>;
}

export const CHART_DEFAULT_PORT = 7007;
export const CONFIGMAP_FILE = 'app-config-from-configmap.yaml';

/**
 * The command line, environment and mounted files of one replica.
 * `secrets[name][key]` stands for the cluster's Secrets; an optional secretKeyRef with no such
 * entry leaves its variable unset, as Kubernetes does; any other with no such entry is
 * an error, as it would keep the pod from starting.
 */
export function chartReplica(
  values: HelmValues,
  options: {
    installDir: string;
    secrets: Record<string, Record<string, string>>;
  },
): ChartReplica {
  const { backstage } = values;
  if (values.postgresql?.enabled) {
    throw new Error(
      'deploy/helm/values.yaml enables the chart’s own PostgreSQL; Meshport’s values use an external one (postgresql.enabled: false)',
    );
  }
  const command = backstage.command ?? ['node', 'packages/backend'];
  const argv = [...command, ...(backstage.args ?? [])];
  const files: Record<string, string> = {};
  if (backstage.appConfig) {
    argv.push('--config', `${options.installDir}/${CONFIGMAP_FILE}`);
    files[CONFIGMAP_FILE] = stringify(backstage.appConfig);
  }
  const env: Record<string, string> = {
    APP_CONFIG_backend_listen_port: String(
      backstage.containerPorts?.backend ?? CHART_DEFAULT_PORT,
    ),
  };
  for (const variable of backstage.extraEnvVars ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref) {
      const value = options.secrets[ref.name]?.[ref.key];
      // Kubernetes leaves an optional key's variable unset when the Secret lacks the key
      // (https://kubernetes.io/docs/concepts/configuration/secret/#optional-secrets)
      if (value === undefined && ref.optional) continue;
      if (value === undefined) {
        throw new Error(
          `${variable.name} reads key '${ref.key}' of Secret '${ref.name}', which the smoke test does not provide: add it to its secrets`,
        );
      }
      env[variable.name] = value;
    } else {
      env[variable.name] = variable.value ?? '';
    }
  }
  return { argv, env, files };
}
