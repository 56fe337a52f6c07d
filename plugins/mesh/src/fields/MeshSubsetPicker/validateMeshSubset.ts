import { meshApiRef } from '../../api';
import { parseServiceId } from '../../entity/meshServiceRef';
import type {
  FieldValidation,
  FieldValidatorContext,
} from '../fieldValidation';
import type { MeshSubsetPickerOptions } from './MeshSubsetPicker';
import { SubsetTarget, subsetOptions, targetKey } from './subsetOptions';

/** A subset must exist in the chosen service (in its cluster, when one is named). */
export async function validateMeshSubset(
  value: SubsetTarget | undefined,
  validation: FieldValidation,
  context: FieldValidatorContext & { uiSchema?: { 'ui:options'?: object } },
): Promise<void> {
  if (!value) return;
  if (!value.subset || Object.keys(value.subset).length === 0) {
    validation.addError('Pick a subset: a pod label value such as version=v3');
    return;
  }
  const uiOptions = context.uiSchema?.['ui:options'] as
    | MeshSubsetPickerOptions
    | undefined;
  const field = uiOptions?.serviceField ?? 'service';
  const service = parseServiceId(
    context.formData?.[field] as string | undefined,
  );
  const meshApi = context.apiHolder.get(meshApiRef);
  if (!service || !meshApi) return;
  let keys: string[];
  try {
    keys = subsetOptions(await meshApi.getService(service)).map(o => o.key);
  } catch {
    return;
  }
  if (!keys.includes(targetKey(value))) {
    const labels = Object.entries(value.subset)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    validation.addError(
      `${service.namespace}/${service.name} has no pods labelled ${labels}${
        value.cluster ? ` in ${value.cluster}` : ''
      }`,
    );
  }
}
