import { parseServiceId } from '../../entity/meshServiceRef';
import type { FieldValidation } from '../fieldValidation';
import type { IdentityValue } from './identityOptions';

/** Cluster, namespace and service account must be Kubernetes names: they become principals. */
export function validateMeshIdentity(
  value: IdentityValue | undefined,
  validation: FieldValidation,
): void {
  if (!value) return;
  // parseServiceId checks two DNS labels; reuse it for each pair of names.
  if (!value.cluster || !parseServiceId(`${value.cluster}/x`)) {
    validation.addError('Pick the cluster the caller runs in');
  }
  if (!value.namespace || !parseServiceId(`${value.namespace}/x`)) {
    validation.addError(
      `"${value.namespace ?? ''}" is not a Kubernetes namespace`,
    );
  }
  if (
    value.serviceAccount !== undefined &&
    !parseServiceId(`x/${value.serviceAccount}`)
  ) {
    validation.addError(
      `"${value.serviceAccount}" is not a Kubernetes service account name`,
    );
  }
}
