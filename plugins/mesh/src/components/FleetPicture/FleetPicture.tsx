import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import type {
  ClusterLink,
  FleetCluster,
  Mesh,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import { type KeyboardEvent, type MouseEvent, useMemo } from 'react';
import { FleetLegend } from './FleetLegend';
import {
  healthColor,
  HEALTH_MARK,
  LINK_DASH,
  linkColor,
} from './fleetPictureStyle';
import {
  ClusterNode,
  fitText,
  layoutFleetPicture,
  LINE_CHARS,
  LINK_KINDS,
} from './layoutFleetPicture';

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
  const { clusters, meshes, links, services } = props;
  // a fleet of hundreds of clusters: lay it out again only when the fleet changes
  const layout = useMemo(
    () => layoutFleetPicture({ clusters, meshes, links, services }),
    [clusters, meshes, links, services],
  );
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
        aria-label={`${node.description}${
          node.description.endsWith('.') ? '' : '.'
        } Show its services`}
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
        {/* the state's colour as a band, so a glance along the row finds the stale one */}
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
        {/* the words in the text colour (orange or green letters on white read poorly);
            the band and the frame carry the colour */}
        <text
          x={node.x + 14}
          y={node.y + 40}
          fontSize={12}
          fontWeight={500}
          fill={theme.palette.text.primary}
        >
          {`${HEALTH_MARK[node.health]} ${fitText(
            node.healthLabel,
            LINE_CHARS - 2,
          )}`}
        </text>
        {lines.map((line, i) => (
          <text
            key={i}
            x={node.x + 14}
            y={node.y + 58 + i * 18}
            fontSize={12}
            fill={theme.palette.text.secondary}
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
            {/* a link's words are its accessible name, and the meshes card's list; no
                tooltip, which a 2.5px line is too thin to hover anyway */}
            {layout.links.map(link => (
              <g
                key={link.id}
                data-testid="fleet-link"
                data-kind={link.kind}
                aria-label={link.description}
                role="img"
              >
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
