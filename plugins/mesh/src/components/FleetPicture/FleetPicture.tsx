import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import type {
  ClusterLink,
  ClusterLinkKind,
  FleetCluster,
  Mesh,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import type { KeyboardEvent, MouseEvent } from 'react';
import {
  ClusterHealth,
  ClusterNode,
  fitText,
  HEALTH_LEGEND,
  layoutFleetPicture,
  LINE_CHARS,
  LINK_KIND_LABEL,
  LINK_KINDS,
} from './layoutFleetPicture';

/** How each kind of link is drawn: the dash pattern carries the meaning, colour repeats it. */
const LINK_DASH: Record<ClusterLinkKind, string | undefined> = {
  'shared-endpoint-discovery': undefined,
  'gateway-federation': '9 5',
  'linkerd-multicluster': '2 4',
};

function linkColor(theme: Theme, kind: ClusterLinkKind): string {
  switch (kind) {
    case 'shared-endpoint-discovery':
      return theme.palette.primary.main;
    case 'gateway-federation':
      return theme.palette.secondary.main;
    default:
      return theme.palette.info.main;
  }
}

function healthColor(theme: Theme, health: ClusterHealth): string {
  switch (health) {
    case 'ok':
      return theme.palette.success.main;
    case 'stale':
      return theme.palette.warning.main;
    default:
      return theme.palette.error.main;
  }
}

/** A shape beside the state's words, so the state reads without colour too. */
const HEALTH_MARK: Record<ClusterHealth, string> = {
  ok: '●',
  stale: '▲',
  'never-synced': '✕',
};

const useStyles = makeStyles(theme => ({
  scroll: { overflowX: 'auto' },
  node: {
    cursor: 'pointer',
    outline: 'none',
    '&:focus-visible $frame, &:hover $frame': {
      stroke: theme.palette.primary.main,
      strokeWidth: 3,
    },
  },
  frame: {},
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1, 3),
    listStyle: 'none',
    padding: 0,
    margin: theme.spacing(1, 0, 0),
  },
  legendItem: { display: 'flex', alignItems: 'center', gap: theme.spacing(1) },
}));

export interface FleetPictureProps {
  clusters: FleetCluster[];
  meshes: Mesh[];
  links: ClusterLink[];
  services: MeshService[];
  /** The cluster whose services the page lists, if any. */
  selectedCluster?: string;
  /** Shows the cluster's services; the link's `href` keeps working in a new tab. */
  onSelectCluster: (cluster: string) => void;
  /** The address of the page listing one cluster's services. */
  clusterHref: (cluster: string) => string;
}

/**
 * The fleet at a glance: clusters grouped by mesh and network, how they reach each other, and
 * how fresh each one's data is. Every cluster is a link to its services.
 */
export const FleetPicture = (props: FleetPictureProps) => {
  const theme = useTheme();
  const classes = useStyles();
  const layout = layoutFleetPicture(props);
  const { nodeWidth: w, nodeHeight: h } = layout;

  const select = (name: string) => (event: MouseEvent) => {
    // a modified click opens the link elsewhere, as the user asked
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0)
      return;
    event.preventDefault();
    props.onSelectCluster(name);
  };
  // Enter follows an HTML link; for one inside SVG, say so rather than rely on the browser
  const selectByKey = (name: string) => (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    props.onSelectCluster(name);
  };

  const renderNode = (node: ClusterNode) => {
    const color = healthColor(theme, node.health);
    const selected = node.name === props.selectedCluster;
    const lines = [
      `${HEALTH_MARK[node.health]} ${node.healthLabel}`,
      `${node.services} service${node.services === 1 ? '' : 's'}`,
      node.gateways.length === 0
        ? 'no east-west gateway'
        : `east-west ${node.gateways[0]}${
            node.gateways.length > 1 ? ` +${node.gateways.length - 1}` : ''
          }`,
    ];
    return (
      <a
        key={node.name}
        href={props.clusterHref(node.name)}
        onClick={select(node.name)}
        onKeyDown={selectByKey(node.name)}
        tabIndex={0}
        className={classes.node}
        aria-label={`${node.description}. Show its services`}
        aria-current={selected ? 'true' : undefined}
        data-testid={`fleet-cluster-${node.name}`}
        data-health={node.health}
      >
        <title>{node.description}</title>
        <rect
          className={classes.frame}
          x={node.x}
          y={node.y}
          width={w}
          height={h}
          rx={6}
          fill={theme.palette.background.paper}
          stroke={selected ? theme.palette.primary.main : color}
          strokeWidth={selected ? 3 : 1.5}
        />
        {/* the state's colour as a band, so a glance down the row finds the stale one */}
        <rect x={node.x} y={node.y} width={6} height={h} rx={3} fill={color} />
        <text
          x={node.x + 14}
          y={node.y + 20}
          fontSize={13}
          fontWeight={600}
          fill={theme.palette.text.primary}
        >
          {node.shortName}
        </text>
        {lines.map((line, i) => (
          <text
            key={i}
            x={node.x + 14}
            y={node.y + 40 + i * 18}
            fontSize={12}
            fill={i === 0 ? color : theme.palette.text.secondary}
            fontWeight={i === 0 ? 500 : undefined}
          >
            {fitText(line, LINE_CHARS)}
          </text>
        ))}
      </a>
    );
  };

  return (
    <InfoCard
      title="Fleet picture"
      subheader="Clusters by mesh and network, and how they reach each other. Select a cluster to list its services."
    >
      {layout.meshes.length === 0 ? (
        <Typography variant="body2">No cluster to draw yet.</Typography>
      ) : (
        <div className={classes.scroll}>
          <svg
            role="group"
            aria-label="Fleet picture: clusters grouped by mesh and network, with the links between them"
            data-testid="fleet-picture"
            viewBox={`0 0 ${layout.width} ${layout.height}`}
            width={layout.width}
            height={layout.height}
            style={{
              fontFamily: theme.typography.fontFamily,
              display: 'block',
            }}
          >
            <defs>
              {LINK_KINDS.map(kind => (
                <marker
                  key={kind}
                  id={`fleet-arrow-${kind}`}
                  viewBox="0 0 10 10"
                  refX="9"
                  refY="5"
                  markerWidth="7"
                  markerHeight="7"
                  orient="auto-start-reverse"
                >
                  <path
                    d="M 0 0 L 10 5 L 0 10 z"
                    fill={linkColor(theme, kind)}
                  />
                </marker>
              ))}
            </defs>
            {layout.meshes.map(mesh => (
              <g key={mesh.id ?? '(none)'} data-testid="fleet-mesh">
                <rect
                  x={mesh.x}
                  y={mesh.y}
                  width={mesh.width}
                  height={mesh.height}
                  rx={10}
                  fill={theme.palette.background.default}
                  stroke={theme.palette.divider}
                  strokeDasharray={mesh.id ? undefined : '4 4'}
                />
                <text
                  x={mesh.x + 12}
                  y={mesh.y + 19}
                  fontSize={14}
                  fontWeight={600}
                  fill={theme.palette.text.primary}
                >
                  {mesh.label}
                </text>
                <text
                  x={mesh.x + 12}
                  y={mesh.y + 36}
                  fontSize={11}
                  fill={theme.palette.text.secondary}
                >
                  {mesh.detail}
                </text>
                {mesh.networks.map(net => (
                  <g key={net.label} data-testid="fleet-network">
                    <rect
                      x={net.x}
                      y={net.y}
                      width={net.width}
                      height={net.height}
                      rx={6}
                      fill="none"
                      stroke={theme.palette.divider}
                      strokeDasharray="3 3"
                    />
                    <text
                      x={net.x + 10}
                      y={net.y + 16}
                      fontSize={11}
                      fill={theme.palette.text.secondary}
                    >
                      {net.label}
                    </text>
                  </g>
                ))}
              </g>
            ))}
            {layout.links.map(link => (
              <g
                key={link.id}
                data-testid="fleet-link"
                data-kind={link.kind}
                aria-label={link.description}
                role="img"
              >
                <title>{link.description}</title>
                <path
                  d={link.path}
                  fill="none"
                  stroke={linkColor(theme, link.kind)}
                  strokeWidth={2.5}
                  strokeDasharray={LINK_DASH[link.kind]}
                  opacity={link.uncertain ? 0.45 : 0.9}
                  markerEnd={`url(#fleet-arrow-${link.kind})`}
                  markerStart={
                    link.bothWays ? `url(#fleet-arrow-${link.kind})` : undefined
                  }
                />
              </g>
            ))}
            {layout.meshes.flatMap(mesh =>
              mesh.networks.flatMap(net => net.clusters.map(renderNode)),
            )}
          </svg>
        </div>
      )}
      <FleetLegend />
      {layout.droppedLinks > 0 && (
        <Typography variant="caption" display="block">
          {layout.droppedLinks === 1
            ? '1 link names a cluster the fleet does not describe: it is not drawn.'
            : `${layout.droppedLinks} links name clusters the fleet does not describe: they are not drawn.`}
        </Typography>
      )}
    </InfoCard>
  );
};

/** What each line style and colour means, in words. */
export const FleetLegend = () => {
  const theme = useTheme();
  const classes = useStyles();
  return (
    <ul
      className={classes.legend}
      aria-label="Legend"
      data-testid="fleet-legend"
    >
      {LINK_KINDS.map(kind => (
        <li key={kind} className={classes.legendItem}>
          <svg width={40} height={10} aria-hidden="true">
            <line
              x1={2}
              y1={5}
              x2={38}
              y2={5}
              stroke={linkColor(theme, kind)}
              strokeWidth={2.5}
              strokeDasharray={LINK_DASH[kind]}
            />
          </svg>
          <Typography variant="body2" component="span">
            {LINK_KIND_LABEL[kind]}
          </Typography>
        </li>
      ))}
      {(['ok', 'stale', 'never-synced'] as ClusterHealth[]).map(health => (
        <li key={health} className={classes.legendItem}>
          <span
            aria-hidden="true"
            style={{ color: healthColor(theme, health) }}
          >
            {HEALTH_MARK[health]}
          </span>
          <Typography variant="body2" component="span">
            {HEALTH_LEGEND[health]}
          </Typography>
        </li>
      ))}
      <li className={classes.legendItem}>
        <Typography variant="body2" component="span">
          Arrows point from the clients’ cluster to the services’ cluster; a
          faded line touches a cluster not synced now.
        </Typography>
      </li>
    </ul>
  );
};
