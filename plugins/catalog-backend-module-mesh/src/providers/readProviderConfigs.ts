import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { makeValidator } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DEFAULT_EXCLUDED_NAMESPACES } from '@meshport/backstage-plugin-mesh-common';
import { parseWindow } from '@meshport/backstage-plugin-mesh-node';
import { normalizeOwner } from '../entities/resolveOwner';

/** Where the provider's configuration lives. */
export const CONFIG_ROOT = 'catalog.providers.meshport';

export const DEFAULT_PROVIDER_ID = 'default';

export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 3 },
  // The refresh calls the mesh backend and the catalog over HTTP; right at
  // startup they may not answer yet, and a failed first run waits a full period.
  initialDelay: { seconds: 15 },
};

export const DEFAULT_OWNER = 'group:default/platform-team';

export interface MeshProviderConfig {
  id: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Full entity ref. */
  defaultOwner: string;
  excludeNamespaces: string[];
  components: boolean;
  namespace: string;
  /** `dependsOn` relations between services from observed traffic; absent when disabled. */
  dependencies?: { window: string; minRequestsPerSecond: number };
  /** Publish a `mesh-policy` Resource per policy (the mesh backend's `GET /api/mesh/policies`). */
  policies: boolean;
}

export const DEFAULT_DEPENDENCY_WINDOW = '1h';
export const DEFAULT_MIN_REQUESTS_PER_SECOND = 0.01;

const OPTION_KEYS = [
  'schedule',
  'defaultOwner',
  'owners',
  'excludeNamespaces',
  'components',
  'namespace',
  'dependencies',
  'policies',
];

/**
 * Reads every configured provider. `catalog.providers.meshport` is either one
 * provider's options (id `default`) or a map from provider id to options.
 * Without any config one default provider runs: installing the module is
 * asking for it, and the defaults give a working first run.
 */
export function readProviderConfigs(config: Config): MeshProviderConfig[] {
  const root = config.getOptionalConfig(CONFIG_ROOT);
  if (!root) {
    return [readProviderConfig(DEFAULT_PROVIDER_ID, undefined, CONFIG_ROOT)];
  }
  const keys = root.keys();
  if (keys.length === 0 || keys.some(key => OPTION_KEYS.includes(key))) {
    return [readProviderConfig(DEFAULT_PROVIDER_ID, root, CONFIG_ROOT)];
  }
  return keys.map(id =>
    readProviderConfig(id, root.getConfig(id), `${CONFIG_ROOT}.${id}`),
  );
}

function ownerRef(value: string, where: string): string {
  const owner = normalizeOwner(value);
  if (!owner) {
    throw new InputError(
      `${where} must be an entity ref like "team-a" or "group:default/team-a", got "${value}"`,
    );
  }
  return owner;
}

/** `configPath` only makes error messages point at the right key. */
export function readProviderConfig(
  id: string,
  config: Config | undefined,
  configPath: string,
): MeshProviderConfig {
  const path = (key: string) => `${configPath}.${key}`;

  const schedule = config?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('schedule'),
      )
    : DEFAULT_SCHEDULE;

  const defaultOwner = ownerRef(
    config?.getOptionalString('defaultOwner') ?? DEFAULT_OWNER,
    path('defaultOwner'),
  );

  if (config?.has('owners')) {
    // Owners are resolved once, by the mesh backend, for every consumer alike.
    throw new InputError(
      `${path(
        'owners',
      )} is no longer read: set owners per namespace or service in mesh.ownership.owners (entries { namespace, service?, owner }), which the catalog, the route permission and the pull-request reviewers all follow`,
    );
  }

  const namespace = config?.getOptionalString('namespace') ?? 'default';
  if (!makeValidator().isValidNamespace(namespace)) {
    throw new InputError(
      `${path(
        'namespace',
      )} must be a valid Backstage namespace (letters, digits and single "-", at most 63 characters), got "${namespace}"`,
    );
  }

  return {
    id,
    schedule,
    dependencies: readDependencies(
      config?.getOptionalConfig('dependencies'),
      path('dependencies'),
    ),
    defaultOwner,
    excludeNamespaces:
      config?.getOptionalStringArray('excludeNamespaces') ??
      DEFAULT_EXCLUDED_NAMESPACES,
    components: config?.getOptionalBoolean('components') ?? true,
    namespace,
    policies: config?.getOptionalBoolean('policies.enabled') ?? true,
  };
}

function readDependencies(
  config: Config | undefined,
  where: string,
): MeshProviderConfig['dependencies'] {
  if (config?.getOptionalBoolean('enabled') === false) return undefined;
  const window =
    config?.getOptionalString('window') ?? DEFAULT_DEPENDENCY_WINDOW;
  const parsed = parseWindow(window);
  if (!parsed.ok) {
    throw new InputError(`${where}.window: ${parsed.message}`);
  }
  const minRequestsPerSecond =
    config?.getOptionalNumber('minRequestsPerSecond') ??
    DEFAULT_MIN_REQUESTS_PER_SECOND;
  if (!(minRequestsPerSecond > 0)) {
    throw new InputError(
      `${where}.minRequestsPerSecond must be a number above 0 (requests or connections per second), got ${minRequestsPerSecond}`,
    );
  }
  return { window, minRequestsPerSecond };
}
