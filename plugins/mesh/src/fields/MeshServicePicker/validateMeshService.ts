import type { ApiHolder } from '@backstage/core-plugin-api';
import type { FieldValidation } from '../fieldValidation';
import { meshApiRef } from '../../api';
import { parseServiceId } from '../../entity/meshServiceRef';

/**
 * A service value must be `<namespace>/<name>` and name a service the fleet knows. An
 * unreachable backend does not block the form: the template's own action checks again.
 */
export async function validateMeshService(
  value: string | undefined,
  validation: FieldValidation,
  context: { apiHolder: ApiHolder },
): Promise<void> {
  if (!value) return;
  const ref = parseServiceId(value);
  if (!ref) {
    validation.addError(
      `"${value}" is not <namespace>/<name> of a Kubernetes Service, e.g. bookinfo/reviews`,
    );
    return;
  }
  const meshApi = context.apiHolder.get(meshApiRef);
  if (!meshApi) return;
  try {
    await meshApi.getService(ref);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      validation.addError(
        `No service ${value} in any cluster of the fleet: pick one from the list`,
      );
    }
  }
}
