import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * The overview's services narrowed to one cluster, as the fleet picture and the clusters table
 * ask. Kept in the address (`?cluster=cluster-2`) so the view can be reloaded, shared and opened
 * in a new tab from the picture's links.
 */
export const CLUSTER_PARAM = 'cluster';

/** The cluster named by a search string, e.g. `?cluster=cluster-2`; blank counts as none. */
export function clusterFromSearch(search: string): string | undefined {
  const value = new URLSearchParams(search).get(CLUSTER_PARAM)?.trim();
  return value ? value : undefined;
}

/** `search` with the cluster set (or removed), other parameters kept in their order. */
export function searchWithCluster(search: string, cluster?: string): string {
  const params = new URLSearchParams(search);
  if (cluster) params.set(CLUSTER_PARAM, cluster);
  else params.delete(CLUSTER_PARAM);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface ClusterFilter {
  cluster?: string;
  select(cluster: string): void;
  clear(): void;
  href(cluster: string): string;
  /** How many times the user changed the filter: focus follows only their changes. */
  changes: number;
}

export function useClusterFilter(): ClusterFilter {
  const [cluster, setCluster] = useState(() =>
    clusterFromSearch(window.location.search),
  );
  const [changes, setChanges] = useState(0);
  const update = useCallback((next?: string) => {
    setCluster(next);
    setChanges(n => n + 1);
    const { pathname, search, hash } = window.location;
    // replaceState with the router's own state, so the app's router keeps its place in history
    window.history.replaceState(
      window.history.state,
      '',
      `${pathname}${searchWithCluster(search, next)}${hash}`,
    );
  }, []);
  return {
    cluster,
    changes,
    select: update,
    clear: () => update(undefined),
    href: name =>
      `${window.location.pathname}${searchWithCluster(
        window.location.search,
        name,
      )}`,
  };
}

/**
 * Above the services: which cluster they are narrowed to and how to see them all. Takes the
 * focus when the user picks a cluster, so a keyboard user lands on the list they asked for.
 */
export const ClusterFilterNotice = (props: {
  filter: ClusterFilter;
  known: string[];
}) => {
  const { filter, known } = props;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (filter.changes === 0) return;
    ref.current?.focus();
    // jsdom has no scrollIntoView
    ref.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  }, [filter.changes, filter.cluster]);

  let content = null;
  if (filter.cluster && known.includes(filter.cluster)) {
    content = (
      <>
        <Typography variant="h6" component="h2">
          {`Services in ${filter.cluster}`}
        </Typography>
        <Button size="small" variant="outlined" onClick={filter.clear}>
          Show every cluster’s services
        </Button>
      </>
    );
  } else if (filter.cluster) {
    content = (
      <>
        <Typography variant="body2">
          {`The fleet has no cluster named "${filter.cluster}": showing every cluster’s services. Pick a cluster in the fleet picture or the clusters table.`}
        </Typography>
        <Button size="small" variant="outlined" onClick={filter.clear}>
          Clear the cluster filter
        </Button>
      </>
    );
  }
  return (
    <div
      ref={ref}
      tabIndex={-1}
      id="mesh-services"
      data-testid="cluster-filter"
      aria-live="polite"
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        alignItems: 'center',
        gap: 16,
        marginBottom: content ? 8 : 0,
        outline: 'none',
        scrollMarginTop: 16,
      }}
    >
      {content}
    </div>
  );
};
