import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type {
  FleetCluster,
  MeshService,
  ServiceRef,
} from '@meshport/backstage-plugin-mesh-common';
import { useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { meshApiRef } from '../../api';
import { MeshErrorPanel } from '../MeshErrorPanel';
import {
  busiestCaller,
  CallerOption,
  callerOptions,
  servicePorts,
} from './callerOptions';
import { TraceDiagram } from './TraceDiagram';

/** Workloads offered at once in the caller picker; typing narrows them on the server. */
const CALLER_PAGE = 50;

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

/** What `useDefaultCaller` answers: the busiest caller, once known. */
export interface DefaultCallerState {
  loading: boolean;
  value?: CallerOption;
}

/**
 * The busiest caller of the service in traffic, as a picker option; undefined when unknown.
 * It needs only the service's ref, so the Mesh tab starts it together with every other
 * request instead of after the service has loaded (one round trip fewer). Without a ref it
 * fetches nothing: the panel was handed the answer.
 */
export function useDefaultCaller(
  ref: ServiceRef | undefined,
): DefaultCallerState {
  const meshApi = useApi(meshApiRef);
  return useAsync(async (): Promise<CallerOption | undefined> => {
    if (!ref) return undefined;
    try {
      const traffic = await meshApi.getServiceTraffic(
        { namespace: ref.namespace, name: ref.name },
        { window: '1h' },
      );
      const busiest = busiestCaller(traffic);
      if (!busiest) return undefined;
      const caller = await meshApi.getService(busiest.service);
      return callerOptions([caller], busiest.cluster)[0];
    } catch {
      // No traffic source, or the caller vanished: the picker simply starts empty.
      return undefined;
    }
  }, [meshApi, ref?.namespace, ref?.name]);
}

/**
 * "Where does this request go?": pick a caller and a request, see the verifier's answer as a
 * picture. The trace runs in the backend over every cluster's live config.
 */
export const TracePanel = (props: {
  service: MeshService;
  clusters: FleetCluster[];
  /** The busiest caller, when the page already started looking it up. */
  defaultCaller?: DefaultCallerState;
}) => {
  const { service } = props;
  const meshApi = useApi(meshApiRef);
  const id = `${service.namespace}/${service.name}`;
  const ports = useMemo(() => servicePorts(service), [service]);
  const clusterNames = useMemo(
    () => props.clusters.map(c => c.name).sort(),
    [props.clusters],
  );

  const [cluster, setCluster] = useState('');
  const [caller, setCaller] = useState<CallerOption | null>(null);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [port, setPort] = useState<number | undefined>(ports[0]?.port);
  const [method, setMethod] = useState('GET');
  const [pathText, setPathText] = useState('');
  const [path, setPath] = useState('');
  useDebounce(() => setQuery(search.trim()), 300, [search]);
  useDebounce(() => setPath(pathText.trim()), 400, [pathText]);

  // The busiest caller is the default, unless the user chose before it arrived.
  const ownDefault = useDefaultCaller(
    props.defaultCaller
      ? undefined
      : { namespace: service.namespace, name: service.name },
  );
  const defaultCaller = props.defaultCaller ?? ownDefault;
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!touched && defaultCaller.value) {
      setCluster(defaultCaller.value.cluster);
      setCaller(defaultCaller.value);
    }
  }, [touched, defaultCaller.value]);

  const workloads = useAsync(async () => {
    if (!cluster) return [];
    const answer = await meshApi.getServices({
      cluster,
      q: query || undefined,
      limit: CALLER_PAGE,
    });
    return callerOptions(answer.items, cluster);
  }, [meshApi, cluster, query]);

  const trace = useAsyncRetry(async () => {
    if (!caller) return undefined;
    return meshApi.traceRequest({
      from: {
        cluster: caller.cluster,
        namespace: caller.namespace,
        serviceAccount: caller.serviceAccount,
        labels: caller.labels,
      },
      to: { namespace: service.namespace, name: service.name },
      port,
      path: path || undefined,
      method,
    });
  }, [meshApi, caller, service.namespace, service.name, port, path, method]);

  const options = workloads.value ?? [];
  const withSelected =
    caller && !options.some(o => o.id === caller.id)
      ? [caller, ...options]
      : options;

  let result: JSX.Element;
  if (!caller) {
    result = (
      <Typography variant="body2" color="textSecondary">
        {`Pick a calling workload to see where its requests to ${id} go: which route, which destinations and clusters, mTLS and authorization on each leg.`}
      </Typography>
    );
  } else if (trace.loading) {
    result = <Progress />;
  } else if (trace.error) {
    result = (
      <MeshErrorPanel
        error={trace.error}
        what={`where requests from ${caller.id} in ${caller.cluster} to ${id} go`}
        onRetry={trace.retry}
      />
    );
  } else if (trace.value) {
    result = (
      <TraceDiagram
        trace={trace.value}
        callerName={`${caller.id} in ${caller.cluster}`}
      />
    );
  } else {
    result = <></>;
  }

  return (
    <InfoCard
      title="Where does this request go?"
      subheader={`The verifier's answer, from the live config of every cluster, for a request to ${id}`}
    >
      <Grid container spacing={2} style={{ marginBottom: 8 }}>
        <Grid item xs={12} sm={6} md={2}>
          <TextField
            select
            fullWidth
            id="mesh-trace-cluster"
            label="Caller's cluster"
            value={cluster}
            onChange={e => {
              setTouched(true);
              setCluster(e.target.value as string);
              setCaller(null);
              setSearch('');
            }}
          >
            {clusterNames.map(c => (
              <MenuItem key={c} value={c}>
                {c}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={12} sm={6} md={4}>
          <Autocomplete<CallerOption>
            id="mesh-trace-caller"
            options={withSelected}
            value={caller}
            disabled={!cluster}
            loading={workloads.loading}
            getOptionLabel={o => o.label}
            getOptionSelected={(a, b) => a.id === b.id}
            // The server filters by the typed text; filtering again here would hide matches
            // on owner or service name the server found.
            filterOptions={o => o}
            onInputChange={(_, value, reason) => {
              if (reason === 'input') setSearch(value);
            }}
            onChange={(_, value) => {
              setTouched(true);
              setCaller(value);
            }}
            noOptionsText={
              workloads.error
                ? `Could not list workloads: ${workloads.error.message}`
                : `No workload in ${cluster} matches`
            }
            renderInput={params => (
              <TextField
                {...params}
                label="Calling workload"
                placeholder={
                  cluster ? 'namespace/workload' : 'pick a cluster first'
                }
              />
            )}
          />
        </Grid>
        <Grid item xs={4} sm={3} md={2}>
          <TextField
            select
            fullWidth
            id="mesh-trace-port"
            label="Port"
            value={port ?? ''}
            onChange={e => setPort(Number(e.target.value))}
            disabled={ports.length === 0}
          >
            {ports.map(p => (
              <MenuItem key={p.port} value={p.port}>
                {p.name ? `${p.port} (${p.name})` : String(p.port)}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={4} sm={3} md={2}>
          <TextField
            select
            fullWidth
            id="mesh-trace-method"
            label="Method"
            value={method}
            onChange={e => setMethod(e.target.value as string)}
          >
            {METHODS.map(m => (
              <MenuItem key={m} value={m}>
                {m}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={4} sm={6} md={2}>
          <TextField
            fullWidth
            id="mesh-trace-path"
            label="Path"
            placeholder="/"
            value={pathText}
            onChange={e => setPathText(e.target.value)}
          />
        </Grid>
      </Grid>
      {result}
    </InfoCard>
  );
};
