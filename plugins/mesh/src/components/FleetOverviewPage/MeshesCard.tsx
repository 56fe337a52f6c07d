import { InfoCard } from '@backstage/core-components';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import type { ClusterLink, Mesh } from '@meshport/backstage-plugin-mesh-common';
import { LINK_KIND_LABEL } from '../FleetPicture';

/** Groups `a → b` and `b → a` of the same kind into one `a ↔ b` line. */
export function describeLinks(links: ClusterLink[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const link of [...links].sort((x, y) =>
    `${x.from}${x.to}`.localeCompare(`${y.from}${y.to}`),
  )) {
    const key = `${link.from}|${link.to}|${link.via}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const back = `${link.to}|${link.from}|${link.via}`;
    const both = links.some(
      l => l.from === link.to && l.to === link.from && l.via === link.via,
    );
    if (both) seen.add(back);
    lines.push(
      `${link.from} ${both ? '↔' : '→'} ${link.to}: ${
        LINK_KIND_LABEL[link.via]
      }`,
    );
  }
  return lines;
}

/**
 * The meshes of the fleet and how their clusters reach each other, in words: what the fleet
 * picture draws, for readers who do not see it.
 */
export const MeshesCard = (props: { meshes: Mesh[]; links: ClusterLink[] }) => {
  const linkLines = describeLinks(props.links);
  return (
    <InfoCard title={`Meshes (${props.meshes.length})`}>
      {props.meshes.length === 0 ? (
        <Typography variant="body2">
          No control plane found yet: install Istio or Linkerd in a cluster, or
          check that Meshport may read its namespace.
        </Typography>
      ) : (
        <List dense>
          {props.meshes.map(mesh => (
            <ListItem key={mesh.id} disableGutters>
              <ListItemText
                primary={`${mesh.id} (${mesh.kind}) — ${mesh.clusters.join(
                  ', ',
                )}`}
                secondary={`trust domain ${
                  mesh.trustDomains.join(', ') || '—'
                } · ${
                  mesh.sharedRootOfTrust
                    ? 'one shared root of trust'
                    : 'no shared root of trust: cross-cluster mTLS fails'
                }`}
              />
            </ListItem>
          ))}
        </List>
      )}
      <Typography variant="subtitle2" style={{ marginTop: 8 }}>
        How clusters connect
      </Typography>
      {linkLines.length === 0 ? (
        <Typography variant="body2">
          No cluster reads another’s endpoints: every cluster is on its own.
          Multi-cluster needs remote secrets (Istio) or Links (Linkerd).
        </Typography>
      ) : (
        <List dense>
          {linkLines.map(line => (
            <ListItem key={line} disableGutters>
              <ListItemText primary={line} />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
};
