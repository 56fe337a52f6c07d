import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { createCompileMemo } from '@meshport/backstage-plugin-mesh-policy';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { meshApiRef } from '../../api';
import { explainError } from '../../components/MeshErrorPanel';
import { formValues } from '../siblingValue';
import type { FormValues, PreviewKind } from './policyFromForm';
import { previewPolicy } from './previewPolicy';
import { PreviewResult } from './PreviewResult';

export interface MeshPolicyPreviewOptions {
  /** The request the form builds: `TrafficPolicy` (request-mesh-route) or `AccessPolicy`. */
  kind?: PreviewKind;
}

/** How long the form must stay unchanged before the preview compiles again. */
export const PREVIEW_DEBOUNCE_MS = 300;

const KINDS: readonly string[] = ['TrafficPolicy', 'AccessPolicy'];

/**
 * `ui:field: MeshPolicyPreview` — the resources the request would add to each cluster,
 * compiled in the browser with mesh-policy against the live fleet as the user edits, with the
 * problems the scaffolder action would refuse it for. It stores no value and has no validator,
 * so it never stands between the user and the submit button.
 */
export const MeshPolicyPreview = (
  props: FieldExtensionComponentProps<undefined, MeshPolicyPreviewOptions>,
) => {
  const { formContext, schema, uiSchema, idSchema } = props;
  const kind = uiSchema?.['ui:options']?.kind;
  const meshApi = useApi(meshApiRef);
  const fleet = useAsyncRetry(() => meshApi.getFleet(), [meshApi]);

  // The form hands a fresh object on every render; its JSON says whether anything changed, and
  // compiling waits until the user pauses.
  const formKey = JSON.stringify(formValues(formContext));
  const [settledKey, setSettledKey] = useState(formKey);
  useDebounce(() => setSettledKey(formKey), PREVIEW_DEBOUNCE_MS, [formKey]);

  // One warm compile per mounted form: each settled edit compiles only what it changed.
  const [memo] = useState(createCompileMemo);
  const preview = useMemo(
    () =>
      fleet.value && kind && KINDS.includes(kind)
        ? previewPolicy(
            kind,
            JSON.parse(settledKey) as FormValues,
            fleet.value,
            memo,
          )
        : undefined,
    [fleet.value, kind, settledKey, memo],
  );

  let body;
  if (!kind || !KINDS.includes(kind)) {
    body = (
      <Alert severity="info">
        {`No preview: set ui:options.kind of this field to ${KINDS.join(
          ' or ',
        )} in the template.`}
      </Alert>
    );
  } else if (fleet.loading) {
    body = <Progress />;
  } else if (fleet.error) {
    const { title, hint } = explainError(fleet.error, 'the fleet');
    body = (
      <Alert
        severity="warning"
        action={
          <Button color="inherit" size="small" onClick={fleet.retry}>
            Retry
          </Button>
        }
      >
        <AlertTitle>No preview: the fleet could not be loaded</AlertTitle>
        {`${title}. ${hint} (${fleet.error.message}) You can still submit the request: the scaffolder checks it against the fleet when it runs.`}
      </Alert>
    );
  } else if (preview) {
    body = <PreviewResult preview={preview} />;
  }

  const title = schema.title ?? 'Preview';
  return (
    <Box id={idSchema?.$id} component="section" aria-label={title} mt={2}>
      <Typography variant="h6">
        {title}
        {formKey !== settledKey && (
          <Typography variant="caption" color="textSecondary">
            {' · updating…'}
          </Typography>
        )}
      </Typography>
      <Typography variant="body2" color="textSecondary" paragraph>
        {schema.description ??
          'What this request adds to each cluster, compiled in your browser against the live fleet. The policies already in the repository are checked when the request runs.'}
      </Typography>
      {body}
    </Box>
  );
};
