import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { makeValidator } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DEFAULT_EXCLUDED_NAMESPACES } from '@meshport/backstage-plugin-mesh-common';
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
}

const OPTION_KEYS = [
  'schedule',
  'defaultOwner',
  'owners',
  'excludeNamespaces',
  'components',
  'namespace',
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
    defaultOwner,
    excludeNamespaces:
      config?.getOptionalStringArray('excludeNamespaces') ??
      DEFAULT_EXCLUDED_NAMESPACES,
    components: config?.getOptionalBoolean('components') ?? true,
    namespace,
  };
}
