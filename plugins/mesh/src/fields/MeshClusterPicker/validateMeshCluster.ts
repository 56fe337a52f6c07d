import type { ApiHolder } from '@backstage/core-plugin-api';
import { meshApiRef } from '../../api';
import type { FieldValidation } from '../fieldValidation';

/** A cluster value must name a cluster of the fleet (checked when the backend answers). */
export async function validateMeshCluster(
  value: string | undefined,
  validation: FieldValidation,
  context: { apiHolder: ApiHolder },
): Promise<void> {
  if (!value) return;
  const meshApi = context.apiHolder.get(meshApiRef);
  if (!meshApi) return;
  let names: string[];
  try {
    names = (await meshApi.getClusters()).items.map(c => c.name);
  } catch {
    return;
  }
  if (!names.includes(value)) {
    validation.addError(
      `No cluster "${value}" in the fleet; known clusters: ${
        names.join(', ') || 'none'
      }`,
    );
  }
}
