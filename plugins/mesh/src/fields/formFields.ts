import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { MeshCallersPicker, validateMeshCallers } from './MeshCallersPicker';
import { MeshClusterPicker, validateMeshCluster } from './MeshClusterPicker';
import { MeshIdentityPicker, validateMeshIdentity } from './MeshIdentityPicker';
import { MeshPolicyPreview } from './MeshPolicyPreview';
import { MeshServicePicker, validateMeshService } from './MeshServicePicker';
import { MeshSplitEditor, validateMeshSplit } from './MeshSplitEditor';
import { MeshSubsetPicker, validateMeshSubset } from './MeshSubsetPicker';

/**
 * The pickers as form fields of the new frontend system's scaffolder. Names are what
 * templates use in `ui:field`.
 */
export const meshServicePickerField = createFormField({
  name: 'MeshServicePicker',
  component: MeshServicePicker,
  validation: validateMeshService,
});

export const meshClusterPickerField = createFormField({
  name: 'MeshClusterPicker',
  component: MeshClusterPicker,
  validation: validateMeshCluster,
});

export const meshSubsetPickerField = createFormField({
  name: 'MeshSubsetPicker',
  component: MeshSubsetPicker,
  validation: validateMeshSubset,
});

export const meshIdentityPickerField = createFormField({
  name: 'MeshIdentityPicker',
  component: MeshIdentityPicker,
  validation: validateMeshIdentity,
});

export const meshCallersPickerField = createFormField({
  name: 'MeshCallersPicker',
  component: MeshCallersPicker,
  validation: validateMeshCallers,
});

export const meshSplitEditorField = createFormField({
  name: 'MeshSplitEditor',
  component: MeshSplitEditor,
  validation: validateMeshSplit,
});

// No validation: the preview only reads the form, and must never stop it being submitted.
export const meshPolicyPreviewField = createFormField({
  name: 'MeshPolicyPreview',
  component: MeshPolicyPreview,
});
