import {
  InfoCard,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormLabel from '@material-ui/core/FormLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  FINDING_SEVERITIES,
  type FindingSeverity,
} from '@meshport/backstage-plugin-mesh-common';
import { useEffect, useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { meshApiRef } from '../../api';
import { parseServiceId } from '../../entity/meshServiceRef';
import {
  countBy,
  describeCounts,
  FindingList,
  sortFindings,
} from '../Findings';
import { MeshErrorPanel } from '../MeshErrorPanel';
import { ServiceLink } from '../ServiceLink';
import { useServiceEntities } from './useServiceEntities';

/** Findings loaded at once; counts per cluster and service are of these. */
export const FINDINGS_LIMIT = 500;

interface CountRow {
  id: string;
  counts: Record<FindingSeverity, number>;
}

const countColumns = (
  title: string,
  render: (row: CountRow) => JSX.Element | string,
): TableColumn<CountRow>[] => [
  { title, render, field: 'id' },
  ...FINDING_SEVERITIES.map(s => ({
    title: `${s[0].toUpperCase()}${s.slice(1)}s`,
    render: (row: CountRow) => String(row.counts[s]),
  })),
];

function rows(map: Map<string, Record<FindingSeverity, number>>): CountRow[] {
  // Most errors first, then most warnings: where to look first.
  return [...map.entries()]
    .map(([id, counts]) => ({ id, counts }))
    .sort(
      (a, b) =>
        b.counts.error - a.counts.error ||
        b.counts.warning - a.counts.warning ||
        b.counts.info - a.counts.info ||
        a.id.localeCompare(b.id),
    );
}

/** A service as a link to its catalog entity, else to Meshport's service page. */
const ServiceCell = (props: {
  id: string;
  entities: ReturnType<typeof useServiceEntities>;
}) => {
  const entity = props.entities.get(props.id);
  if (entity) {
    return <EntityRefLink entityRef={entity} title={props.id} />;
  }
  const ref = parseServiceId(props.id);
  return ref ? <ServiceLink service={ref} /> : <>{props.id}</>;
};

/**
 * The mesh analysis across the fleet: findings per cluster and per service, and the list,
 * filtered by severity and by team (a catalog owner).
 */
export const FleetFindings = () => {
  const meshApi = useApi(meshApiRef);
  const [severities, setSeverities] = useState<FindingSeverity[]>([
    ...FINDING_SEVERITIES,
  ]);
  const [owner, setOwner] = useState('');
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      meshApi.getFindings({
        // all severities checked is no filter; none checked shows nothing rather than all
        severity:
          severities.length === FINDING_SEVERITIES.length
            ? undefined
            : severities,
        owner: owner || undefined,
        limit: FINDINGS_LIMIT,
      }),
    [meshApi, severities.join(','), owner],
  );

  // Teams offered: every owner seen in any answer, so narrowing never hides the other teams.
  const [owners, setOwners] = useState<string[]>([]);
  useEffect(() => {
    if (!value) return;
    setOwners(known => {
      const all = new Set(known);
      value.items.forEach(f => f.owners.forEach(o => all.add(o)));
      return all.size === known.length ? known : [...all].sort();
    });
  }, [value]);

  const findings = useMemo(
    () => (severities.length === 0 ? [] : sortFindings(value?.items ?? [])),
    [value, severities.length],
  );
  const byCluster = useMemo(
    () => rows(countBy(findings, f => f.clusters)),
    [findings],
  );
  const byService = useMemo(
    () => rows(countBy(findings, f => f.services)),
    [findings],
  );
  const entities = useServiceEntities(byService.map(r => r.id));

  const toggle = (s: FindingSeverity) =>
    setSeverities(current =>
      current.includes(s)
        ? current.filter(x => x !== s)
        : FINDING_SEVERITIES.filter(x => x === s || current.includes(x)),
    );

  const filters = (
    <Box
      display="flex"
      alignItems="center"
      flexWrap="wrap"
      style={{ gap: 24 }}
      mb={2}
    >
      <Box component="fieldset" border={0} m={0} p={0}>
        <FormLabel component="legend">Severity</FormLabel>
        <FormGroup row>
          {FINDING_SEVERITIES.map(s => (
            <FormControlLabel
              key={s}
              control={
                <Checkbox
                  checked={severities.includes(s)}
                  onChange={() => toggle(s)}
                  size="small"
                />
              }
              label={s}
            />
          ))}
        </FormGroup>
      </Box>
      <TextField
        select
        id="mesh-findings-owner"
        label="Team"
        value={owner}
        onChange={e => setOwner(e.target.value as string)}
        style={{ minWidth: 240 }}
      >
        <MenuItem value="">Every team</MenuItem>
        {owners.map(o => (
          <MenuItem key={o} value={o}>
            {o}
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );

  let body: JSX.Element;
  if (error) {
    body = <MeshErrorPanel error={error} what="the findings" onRetry={retry} />;
  } else if (!value) {
    body = <Progress />;
  } else {
    const more = value.totalCount - value.items.length;
    body = (
      <>
        {value.notes.map(note => (
          <Alert
            key={note}
            severity="info"
            style={{ marginBottom: 8 }}
            data-testid="findings-note"
          >
            {note}
          </Alert>
        ))}
        <Typography variant="body2" paragraph data-testid="findings-total">
          {severities.length === 0
            ? 'No severity chosen: tick one to see findings.'
            : `${describeCounts(value.counts)}${
                more > 0
                  ? ` — the tables count the ${value.items.length} worst; filter by team or severity to see the other ${more}`
                  : ''
              }`}
        </Typography>
        {findings.length > 0 && (
          <Grid container spacing={2}>
            <Grid item xs={12} md={6}>
              <Table<CountRow>
                title="Per cluster"
                options={{ paging: false, search: false, padding: 'dense' }}
                columns={countColumns('Cluster', r => r.id)}
                data={byCluster}
              />
            </Grid>
            <Grid item xs={12} md={6}>
              <Table<CountRow>
                title="Per service"
                options={{
                  paging: byService.length > 10,
                  pageSize: 10,
                  search: false,
                  padding: 'dense',
                }}
                columns={countColumns('Service', r => (
                  <ServiceCell id={r.id} entities={entities} />
                ))}
                data={byService}
              />
            </Grid>
            <Grid item xs={12}>
              <FindingList findings={findings} label="Findings of the fleet" />
            </Grid>
          </Grid>
        )}
      </>
    );
  }

  return (
    <InfoCard
      title="Findings"
      subheader="The mesh config analysis across every cluster"
    >
      {filters}
      {loading && value ? <Progress /> : null}
      {body}
    </InfoCard>
  );
};
