import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import type { PickerOption } from '../OptionPicker';

/** A caller identity as the AccessPolicy spells it; no service account = the whole namespace. */
export interface IdentityValue {
  cluster: string;
  namespace: string;
  serviceAccount?: string;
}

export type IdentityOption = PickerOption<IdentityValue>;

export function identityKey(value: IdentityValue): string {
  return `${value.cluster}/${value.namespace}/${value.serviceAccount ?? '*'}`;
}

/**
 * Every workload identity of the fleet: cluster + namespace + service account, labelled with
 * its SPIFFE id (or Linkerd identity). With `allowNamespace`, also whole namespaces.
 */
export function identityOptions(
  fleet: Pick<Fleet, 'services'>,
  allowNamespace = false,
): IdentityOption[] {
  const options = new Map<string, IdentityOption>();
  for (const service of fleet.services) {
    for (const instance of service.instances) {
      for (const workload of instance.workloads) {
        const value = {
          cluster: instance.cluster,
          namespace: service.namespace,
          serviceAccount: workload.serviceAccount,
        };
        options.set(identityKey(value), {
          key: identityKey(value),
          label: `${workload.identity} (${instance.cluster})`,
          value,
        });
      }
      if (allowNamespace) {
        const value = {
          cluster: instance.cluster,
          namespace: service.namespace,
        };
        options.set(identityKey(value), {
          key: identityKey(value),
          label: `every service account of namespace ${service.namespace} (${instance.cluster})`,
          value,
        });
      }
    }
  }
  return [...options.values()].sort((a, b) => a.key.localeCompare(b.key));
}
