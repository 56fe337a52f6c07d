import { CodeSnippet } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { PolicyPreview, PreviewFile } from './previewPolicy';

const REFUSED = 'The scaffolder would refuse this request';

const List = (props: { items: string[] }) => (
  <Box component="ul" m={0} pl={2}>
    {[...new Set(props.items)].map(item => (
      <li key={item}>{item}</li>
    ))}
  </Box>
);

const Problems = (props: { problems: string[] }) => (
  <Alert severity="error">
    <AlertTitle>{REFUSED}</AlertTitle>
    <List items={props.problems} />
  </Alert>
);

const File = (props: { file: PreviewFile }) => (
  <Box mt={1} role="group" aria-label={props.file.path}>
    <Typography variant="caption" color="textSecondary" component="div">
      {props.file.path}
    </Typography>
    <CodeSnippet language="yaml" text={props.file.yaml} showCopyCodeButton />
  </Box>
);

/** A preview, as the user reads it: what is wrong first, then each cluster's new objects. */
export const PreviewResult = (props: { preview: PolicyPreview }) => {
  const { preview } = props;
  switch (preview.state) {
    case 'incomplete':
      return (
        <Typography variant="body2" color="textSecondary">
          {preview.message}
        </Typography>
      );
    case 'invalid':
      return <Problems problems={preview.problems} />;
    case 'failed':
      return (
        <Alert severity="warning">
          <AlertTitle>The preview failed</AlertTitle>
          {`${preview.message}. This does not affect the request: the scaffolder checks it again when it runs.`}
        </Alert>
      );
    default:
      break;
  }

  const changed = preview.clusters.filter(c => c.files.length > 0);
  return (
    <>
      {preview.problems.length > 0 ? (
        <Problems problems={preview.problems} />
      ) : (
        <Alert severity="success">
          {`No problems against the live fleet: the request adds ${count(
            changed.reduce((n, c) => n + c.files.length, 0),
            'resource',
          )} in ${count(changed.length, 'cluster')}.`}
        </Alert>
      )}
      {preview.notes.length > 0 && (
        <Box mt={1}>
          <Alert severity="info">
            <AlertTitle>Notes</AlertTitle>
            <List items={preview.notes} />
          </Alert>
        </Box>
      )}
      {preview.clusters.map(({ cluster, files }) => (
        <Box
          key={cluster}
          component="section"
          aria-label={`Resources for ${cluster}`}
          mt={2}
        >
          <Typography variant="subtitle2">
            {files.length > 0
              ? `${cluster}: adds ${count(files.length, 'resource')}`
              : `${cluster}: nothing changes`}
          </Typography>
          {files.map(file => (
            <File key={file.path} file={file} />
          ))}
        </Box>
      ))}
      <Box component="section" aria-label="The policy file" mt={2}>
        <Typography variant="subtitle2">The policy file</Typography>
        <File file={preview.policy} />
      </Box>
    </>
  );
};

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
