import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';

export interface PolicyLifecycleOptions {
  /** How often the policy repositories are read from their SCM. */
  frequency: HumanDuration;
  /** The longest one sync of every repository may take. */
  timeout: HumanDuration;
  /** `codeOwners.defaultOwners`: undefined when unset, and CODEOWNERS are not compared. */
  defaultOwners?: string[];
}

/**
 * Reads `mesh.policyLifecycle.frequency`, `.timeout` and `.codeOwners.defaultOwners` (the
 * `snapshot` key is the SCM's).
 */
export function readPolicyLifecycleOptions(
  config: Config,
): PolicyLifecycleOptions {
  const lifecycle = config.getOptionalConfig('mesh.policyLifecycle');
  const duration = (key: string, fallback: HumanDuration) => {
    const value = lifecycle?.has(key)
      ? readDurationFromConfig(lifecycle, { key })
      : fallback;
    if (durationToMilliseconds(value) <= 0)
      throw new Error(
        `mesh.policyLifecycle.${key} must be longer than zero, e.g. { minutes: 1 } or "1m"`,
      );
    return value;
  };
  const defaultOwners = lifecycle
    ?.getOptionalStringArray('codeOwners.defaultOwners')
    ?.map(o => o.trim());
  if (defaultOwners && !defaultOwners.every(o => /^@\S+$/.test(o)))
    throw new Error(
      `mesh.policyLifecycle.codeOwners.defaultOwners must list owners as CODEOWNERS names them, e.g. ['@acme/platform'], not ${JSON.stringify(
        defaultOwners,
      )}`,
    );
  return {
    frequency: duration('frequency', { minutes: 1 }),
    timeout: duration('timeout', { minutes: 5 }),
    ...(defaultOwners?.length ? { defaultOwners } : {}),
  };
}
