import { useTheme } from '@material-ui/core/styles';
import type {
  ServiceRef,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import { GraphEdge, GraphNode, layoutTrafficGraph } from './layoutTrafficGraph';

function edgePath(edge: GraphEdge, nodeWidth: number, nodeHeight: number) {
  const x1 = edge.from.x + nodeWidth;
  const y1 = edge.from.y + nodeHeight / 2;
  const x2 = edge.to.x;
  const y2 = edge.to.y + nodeHeight / 2;
  const mid = (x1 + x2) / 2;
  return {
    d: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`,
    // The midpoint of this symmetric cubic curve.
    labelX: mid,
    labelY: (y1 + y2) / 2,
  };
}

/**
 * Who calls this service from which cluster, and whom it calls: a left-to-right SVG graph.
 * Cross-cluster edges are dashed; colour marks error ratios of 1 % and 5 %.
 */
export const TrafficGraph = (props: {
  service: ServiceRef;
  inbound: TrafficEdge[];
  outbound: TrafficEdge[];
  clusters?: string[];
}) => {
  const theme = useTheme();
  const layout = layoutTrafficGraph(props);
  const color = {
    ok: theme.palette.primary.main,
    warning: theme.palette.warning.main,
    error: theme.palette.error.main,
  };

  const renderNode = (node: GraphNode) => (
    <g key={node.id} data-testid={`traffic-node-${node.column}`}>
      <rect
        x={node.x}
        y={node.y}
        width={layout.nodeWidth}
        height={layout.nodeHeight}
        rx={6}
        fill={
          node.column === 'self'
            ? theme.palette.primary.light
            : theme.palette.background.paper
        }
        stroke={theme.palette.divider}
      />
      <text
        x={node.x + 10}
        y={node.y + 18}
        fontSize={13}
        fontWeight={600}
        fill={
          node.column === 'self'
            ? theme.palette.primary.contrastText
            : theme.palette.text.primary
        }
      >
        {node.service}
      </text>
      <text
        x={node.x + 10}
        y={node.y + 35}
        fontSize={12}
        fill={
          node.column === 'self'
            ? theme.palette.primary.contrastText
            : theme.palette.text.secondary
        }
      >
        {node.unknownCluster ? `${node.cluster} (not in fleet)` : node.cluster}
      </text>
    </g>
  );

  return (
    <svg
      role="img"
      aria-label={`Traffic of ${props.service.namespace}/${props.service.name} between clusters`}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width="100%"
      style={{
        maxHeight: layout.height,
        fontFamily: theme.typography.fontFamily,
      }}
    >
      {layout.edges.map(edge => {
        const path = edgePath(edge, layout.nodeWidth, layout.nodeHeight);
        return (
          <g
            key={edge.id}
            data-testid="traffic-edge"
            aria-label={edge.description}
          >
            <title>{edge.description}</title>
            <path
              d={path.d}
              fill="none"
              stroke={color[edge.severity]}
              strokeWidth={edge.weight}
              strokeDasharray={edge.crossCluster ? '8 5' : undefined}
              opacity={0.75}
            />
            <text
              x={path.labelX}
              y={path.labelY - 6}
              textAnchor="middle"
              fontSize={11}
              fill={theme.palette.text.primary}
              stroke={theme.palette.background.paper}
              strokeWidth={4}
              paintOrder="stroke"
            >
              {edge.label}
            </text>
          </g>
        );
      })}
      {layout.nodes.map(renderNode)}
    </svg>
  );
};
