import type { FieldValidation } from '../fieldValidation';
import {
  identityKey,
  type IdentityValue,
} from '../MeshIdentityPicker/identityOptions';
import { validateMeshIdentity } from '../MeshIdentityPicker/validateMeshIdentity';

/** Each caller must be a valid identity, and each named once. */
export function validateMeshCallers(
  value: IdentityValue[] | undefined,
  validation: FieldValidation,
): void {
  if (!Array.isArray(value)) return;
  // an AccessPolicy names at least one source
  if (!value.some(c => c?.cluster)) {
    validation.addError(
      'Choose at least one caller: one the mesh saw calling the service, or add one',
    );
    return;
  }
  const seen = new Map<string, number>();
  value
    .filter(c => c?.cluster)
    .forEach((caller, index) => {
      validateMeshIdentity(caller, {
        addError: (message: string) =>
          validation.addError(`Caller ${index + 1}: ${message}`),
      } as FieldValidation);
      if (!caller?.cluster) return;
      const key = identityKey(caller);
      const first = seen.get(key);
      if (first !== undefined)
        validation.addError(
          `Caller ${index + 1} repeats caller ${
            first + 1
          } (${key}); remove one`,
        );
      else seen.set(key, index);
    });
}
