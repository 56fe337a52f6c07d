import {
  CodeSnippet,
  Content,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  POLICY_STATES,
  type PoliciesResponse,
  type PolicyState,
} from '@meshport/backstage-plugin-mesh-common';
import { FormEvent, useCallback, useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { meshApiRef } from '../../api';
import { MeshErrorPanel } from '../MeshErrorPanel';
import { OrphansTable } from './OrphansTable';
import { PoliciesTable } from './PoliciesTable';
import {
  filtersFromSearch,
  type PolicyFilters,
  searchWithFilters,
} from './policyFilters';
import { RepositoryStatusList } from './RepositoryStatusList';

/** More than any demo or team has; the backend caps it too. */
const LIMIT = 500;

const CONFIG_EXAMPLE = `mesh:
  policyRepositories:
    - url: github.com?owner=acme&repo=mesh-policies
      branch: main`;

/**
 * The filters, from the address and written back to it. `replaceState` with the router's own
 * state, as the fleet overview's cluster filter does, so the app's router keeps its place.
 */
function usePolicyFilters() {
  const [initial] = useState(() => filtersFromSearch(window.location.search));
  const [filters, setFilters] = useState<PolicyFilters>(initial.filters);
  const update = useCallback((next: PolicyFilters) => {
    setFilters(next);
    const { pathname, search, hash } = window.location;
    window.history.replaceState(
      window.history.state,
      '',
      `${pathname}${searchWithFilters(search, next)}${hash}`,
    );
  }, []);
  return { filters, update, unknownState: initial.unknownState };
}

const stateOption = (state: PolicyState, counts: PoliciesResponse['counts']) =>
  counts[state] !== undefined ? `${state} (${counts[state]})` : state;

/**
 * State applies at once; the text filters when the form is submitted (Enter or "Apply"), so
 * typing a service's name does not ask the backend once per key.
 */
const FilterBar = (props: {
  filters: PolicyFilters;
  counts: PoliciesResponse['counts'];
  onChange: (filters: PolicyFilters) => void;
}) => {
  const { filters, onChange } = props;
  const [text, setText] = useState({
    service: filters.service ?? '',
    team: filters.team ?? '',
    cluster: filters.cluster ?? '',
  });
  useEffect(
    () =>
      setText({
        service: filters.service ?? '',
        team: filters.team ?? '',
        cluster: filters.cluster ?? '',
      }),
    [filters.service, filters.team, filters.cluster],
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...filters, ...text });
  };
  const field = (key: keyof typeof text, label: string, helper: string) => (
    <TextField
      id={`policy-filter-${key}`}
      label={label}
      helperText={helper}
      size="small"
      variant="outlined"
      value={text[key]}
      onChange={e => setText(t => ({ ...t, [key]: e.target.value }))}
    />
  );
  return (
    <Box
      component="form"
      role="search"
      aria-label="Filter policies"
      onSubmit={submit}
      display="flex"
      flexWrap="wrap"
      alignItems="flex-start"
      gridGap={16}
      mb={2}
    >
      <TextField
        id="policy-filter-state"
        select
        label="State"
        size="small"
        variant="outlined"
        SelectProps={{ native: true }}
        // "every state" is the empty value: without shrink the label sits on top of it
        InputLabelProps={{ shrink: true }}
        value={filters.state ?? ''}
        onChange={e =>
          onChange({
            ...filters,
            state: (e.target.value || undefined) as PolicyState | undefined,
          })
        }
      >
        <option value="">every state</option>
        {POLICY_STATES.map(state => (
          <option key={state} value={state}>
            {stateOption(state, props.counts)}
          </option>
        ))}
      </TextField>
      {field('service', 'Service', 'namespace/name, e.g. bookinfo/reviews')}
      {field('team', 'Team', 'e.g. group:default/bookinfo-team')}
      {field('cluster', 'Cluster', 'e.g. cluster-1')}
      <Button type="submit" variant="outlined">
        Apply
      </Button>
      <Button
        onClick={() => onChange({})}
        disabled={!Object.values(filters).some(Boolean)}
      >
        Clear filters
      </Button>
    </Box>
  );
};

/** Every policy of the configured repositories, its state in each cluster, and why. */
export const Policies = () => {
  const meshApi = useApi(meshApiRef);
  const { filters, update, unknownState } = usePolicyFilters();
  const { value, loading, error, retry } = useAsyncRetry(
    () => meshApi.getPolicies({ ...filters, limit: LIMIT }),
    [meshApi, filters.state, filters.service, filters.team, filters.cluster],
  );

  if (error) {
    return <MeshErrorPanel error={error} what="the policies" onRetry={retry} />;
  }
  if (!value) {
    return <Progress />;
  }
  if (value.repositories.length === 0) {
    return (
      <EmptyState
        missing="info"
        title="No policy repository configured"
        description="Meshport follows the policies of the repositories listed in mesh.policyRepositories of app-config.yaml: the GitOps repositories its templates open pull requests on. Add yours, with a GitHub or GitLab integration whose token may read it, and its policies appear here after the next sync."
        action={
          <CodeSnippet
            language="yaml"
            text={CONFIG_EXAMPLE}
            showCopyCodeButton
          />
        }
      />
    );
  }
  const filtered = Object.values(filters).some(Boolean);
  let policies;
  if (value.items.length > 0) {
    policies = (
      <>
        {value.totalCount > value.items.length && (
          <Typography variant="body2" paragraph>
            {`Showing the first ${value.items.length} of ${value.totalCount} policies, worst first: narrow the filters to see the rest.`}
          </Typography>
        )}
        <PoliciesTable policies={value.items} />
      </>
    );
  } else if (filtered) {
    policies = (
      <Typography variant="body2" data-testid="policies-empty">
        No policy matches these filters.
      </Typography>
    );
  } else if (value.repositories.every(r => !r.lastSyncAt)) {
    policies = (
      <Typography variant="body2" data-testid="policies-empty">
        No repository has been read yet: the reason is above each one.
      </Typography>
    );
  } else {
    policies = (
      <Typography variant="body2" data-testid="policies-empty">
        The repositories hold no policy and no pull request of Meshport’s is
        open. Use “Request a route” or “Request access” on a service to propose
        one.
      </Typography>
    );
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <RepositoryStatusList repositories={value.repositories} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title={`Policies (${value.totalCount})`}>
          {unknownState && !filters.state && (
            <Typography variant="body2" paragraph role="status">
              {`"${unknownState}" is not a policy state (${POLICY_STATES.join(
                ', ',
              )}): showing every state.`}
            </Typography>
          )}
          <FilterBar
            filters={filters}
            counts={value.counts}
            onChange={update}
          />
          <Box aria-live="polite" aria-busy={loading}>
            {policies}
          </Box>
        </InfoCard>
      </Grid>
      {value.orphans.length > 0 && (
        <Grid item xs={12}>
          <OrphansTable orphans={value.orphans} />
        </Grid>
      )}
    </Grid>
  );
};

/** The Policies page with its own header, for legacy apps and the new system alike. */
export const PoliciesPage = () => (
  <Page themeId="tool">
    <Header
      title="Mesh policies"
      subtitle="Every policy from its pull request to each cluster"
    />
    <Content>
      <Policies />
    </Content>
  </Page>
);
