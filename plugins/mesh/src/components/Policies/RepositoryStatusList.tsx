import { InfoCard, Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import WarningIcon from '@material-ui/icons/Warning';
import type {
  PolicyRepositoryStatus,
  PolicyRepositorySyncStatus,
} from '@meshport/backstage-plugin-mesh-common';
import { formatTime } from '../../lib/format';

const SYNC_TEXT: Record<PolicyRepositorySyncStatus, string> = {
  ok: 'synced',
  'never-synced': 'not synced yet',
  'rate-limited': 'rate-limited by the SCM',
  'not-found': 'repository or branch not found',
  unauthorized: 'token refused',
  error: 'could not be read',
};

const CODEOWNERS_TEXT: Record<PolicyRepositoryStatus['codeOwners'], string> = {
  current: 'CODEOWNERS matches the catalog’s owners',
  'out-of-date':
    'CODEOWNERS is out of date with the catalog: a change can merge without its destination’s owners',
  absent:
    'no CODEOWNERS file: a change can merge without its destination’s owners',
  unknown: 'CODEOWNERS not checked yet',
};

const Line = (props: { ok: boolean; children: string }) => {
  const Icon = props.ok ? CheckCircleIcon : WarningIcon;
  return (
    <Typography
      variant="body2"
      style={{ display: 'flex', alignItems: 'center', gap: 4 }}
    >
      <Icon fontSize="small" aria-hidden="true" />
      {props.children}
    </Typography>
  );
};

/** One configured repository: where, which branch, how its last sync went, its CODEOWNERS. */
const RepositoryStatusItem = ({ repo }: { repo: PolicyRepositoryStatus }) => {
  const ok = repo.status === 'ok';
  return (
    <Box component="li" mb={2} data-testid="policy-repository">
      <Typography variant="subtitle2" component="h3">
        <Link to={repo.webUrl}>{repo.webUrl}</Link>
        {` · branch ${repo.branch} · ${
          repo.provider === 'gitlab' ? 'GitLab' : 'GitHub'
        }`}
      </Typography>
      <Typography
        variant="body2"
        style={{ display: 'flex', alignItems: 'center', gap: 4 }}
      >
        {ok ? (
          <CheckCircleIcon fontSize="small" aria-hidden="true" />
        ) : (
          <ErrorIcon fontSize="small" aria-hidden="true" />
        )}
        {`${SYNC_TEXT[repo.status] ?? repo.status} · last sync ${formatTime(
          repo.lastSyncAt,
        )}${repo.commit ? ` at ${repo.commit.slice(0, 7)}` : ''}`}
      </Typography>
      {!ok && (
        <Typography variant="body2" color="textSecondary">
          {`${repo.message ?? 'No reason given.'}${
            repo.lastSyncAt ? ' The states below are the last known ones.' : ''
          }`}
        </Typography>
      )}
      <Line ok={repo.codeOwners === 'current'}>
        {CODEOWNERS_TEXT[repo.codeOwners] ?? repo.codeOwners}
      </Line>
      {repo.codeOwners !== 'current' && repo.codeOwnersMessage && (
        <Typography variant="body2" color="textSecondary">
          {repo.codeOwnersMessage}
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary">
        {`Feeds ${repo.clusters.join(', ') || 'no cluster'}`}
      </Typography>
    </Box>
  );
};

/** The policy repositories' sync status, above the policies it explains. */
export const RepositoryStatusList = (props: {
  repositories: PolicyRepositoryStatus[];
}) => (
  <InfoCard title="Policy repositories">
    <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
      {props.repositories.map(repo => (
        <RepositoryStatusItem key={repo.url} repo={repo} />
      ))}
    </Box>
  </InfoCard>
);
