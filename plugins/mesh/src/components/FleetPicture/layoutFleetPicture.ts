import type {
  ClusterLink,
  ClusterLinkKind,
  FleetCluster,
  Mesh,
  MeshKind,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import { formatTime } from '../../lib/format';

/**
 * The fleet picture's model and geometry: clusters grouped by mesh, then by network, in one
 * row; links between clusters drawn as lines in lanes under that row. Pure, so grouping,
 * link typing and positions are tested without rendering SVG.
 *
 * One row rather than a grid: every link can then leave its node downwards and run in its own
 * lane below every box, so no line ever crosses a cluster. A wide fleet scrolls sideways.
 */

/** Words for each kind of link, shared by the legend, the tooltips and the meshes card. */
export const LINK_KIND_LABEL: Record<ClusterLinkKind, string> = {
  'shared-endpoint-discovery': 'shared control plane (endpoint discovery)',
  'gateway-federation': 'gateway federation (east-west gateway)',
  'linkerd-multicluster': 'Linkerd multicluster link',
};

/** Every kind, in the legend's order. */
export const LINK_KINDS: ClusterLinkKind[] = [
  'shared-endpoint-discovery',
  'gateway-federation',
  'linkerd-multicluster',
];

export type ClusterHealth = FleetCluster['sync']['state'];

/** Each sync state in the few words a node has room for, next to its colour. */
export const HEALTH_LABEL: Record<ClusterHealth, string> = {
  ok: 'reachable',
  stale: 'stale: unreachable',
  'never-synced': 'never synced: no data',
};

/** The same, said in full where there is room: the legend. */
export const HEALTH_LEGEND: Record<ClusterHealth, string> = {
  ok: 'reachable: data is current',
  stale: 'stale: last sync failed, last known data shown',
  'never-synced': 'never synced: no data yet',
};

export interface ClusterNode {
  name: string;
  x: number;
  y: number;
  health: ClusterHealth;
  /** The state in words, e.g. `stale: unreachable, last known data`. */
  healthLabel: string;
  /** Why the last sync failed, when it did: the tooltip says it. */
  reason?: string;
  /** Services with an instance in this cluster (those the viewer may read). */
  services: number;
  /** East-west gateways as `address:port` (the gateway's name when it has no address yet). */
  gateways: string[];
  /** Other meshes that also list this cluster (it is drawn once, in the first). */
  alsoIn: string[];
  /** The node's name shortened to fit; `name` is the whole one. */
  shortName: string;
  /** One sentence: everything the node shows, the reason included. */
  description: string;
}

export interface NetworkGroup {
  /** `undefined`: no cluster of the group names its network. */
  network?: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  clusters: ClusterNode[];
}

export interface MeshBox {
  /** The mesh id; `undefined` for the box of clusters without a mesh. */
  id?: string;
  kind?: MeshKind;
  label: string;
  /** Trust domains and whether the root of trust is shared. */
  detail: string;
  x: number;
  y: number;
  width: number;
  height: number;
  networks: NetworkGroup[];
}

export interface LinkLine {
  id: string;
  kind: ClusterLinkKind;
  /** For one-way links, the client side; `a` of `a ↔ b` otherwise. */
  from: string;
  to: string;
  bothWays: boolean;
  /** Either end's data is stale or missing: the link may no longer hold. */
  uncertain: boolean;
  /** `M x y V … H … V …`: down from `from`'s bottom, along its lane, up into `to`. */
  path: string;
  lane: number;
  description: string;
}

export interface FleetPictureLayout {
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
  meshes: MeshBox[];
  links: LinkLine[];
  /** Links the fleet lists that name a cluster the picture does not show. */
  droppedLinks: number;
}

export const NODE_WIDTH = 208;
export const NODE_HEIGHT = 92;
const PAD = 16;
const MESH_HEADER = 44;
const MESH_PAD = 12;
const MESH_GAP = 24;
const NET_HEADER = 24;
const NET_PAD = 10;
const NET_GAP = 12;
const NODE_GAP = 16;
const LANE_GAP = 18;
/** Horizontal room between two links sharing a lane. */
const LANE_CLEARANCE = 12;
/** Characters of a cluster name that fit on a node at 13px (bold). */
const NAME_CHARS = 26;
/** Characters of a 12px line that fit on a node. */
export const LINE_CHARS = 30;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `text` cut to `max` characters with an ellipsis; the whole text stays in the tooltip. */
export function fitText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function gatewayLabels(cluster: FleetCluster): string[] {
  return cluster.eastWestGateways.map(g =>
    g.addresses.length > 0
      ? `${g.addresses.join(', ')}:${g.port}`
      : `${g.namespace}/${g.name}:${g.port} (no address yet)`,
  );
}

/**
 * The node's health in words. A cluster whose auth provider discovery cannot use is a
 * configuration matter, not an outage (as in the clusters table), so it says so.
 */
function healthLabel(cluster: FleetCluster): string {
  if (cluster.sync.error?.reason === 'auth-config') {
    return 'auth provider unusable';
  }
  return HEALTH_LABEL[cluster.sync.state];
}

/** Services per cluster, counted once per service however many instances it has there. */
export function countServices(services: MeshService[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const service of services) {
    for (const cluster of new Set(service.instances.map(i => i.cluster))) {
      counts.set(cluster, (counts.get(cluster) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * The cluster's `topology.istio.io/network`, else its control plane's. Istio's network is empty
 * when unset (`values.global.network`), and endpoints on the same network, the empty one
 * included, are reached directly: so unlabelled clusters of one mesh share one group.
 */
function networkOf(cluster: FleetCluster): string | undefined {
  return (
    cluster.network ?? cluster.controlPlanes.find(cp => cp.network)?.network
  );
}

export interface FleetGroup {
  mesh?: Mesh;
  networks: { network?: string; clusters: FleetCluster[] }[];
}

/**
 * Clusters by mesh (the fleet's order), then by network (sorted; unlabelled last), then by
 * name. A cluster two meshes list (Istio and Linkerd side by side) is drawn in the first;
 * clusters no mesh lists come last, in a group of their own. Mesh members the fleet does
 * not describe (not visible to this viewer) are left out, and so is a mesh left empty.
 */
export function groupFleet(
  clusters: FleetCluster[],
  meshes: Mesh[],
): FleetGroup[] {
  const byName = new Map(clusters.map(c => [c.name, c]));
  const placed = new Set<string>();
  const groups: FleetGroup[] = [];
  const byNetwork = (members: FleetCluster[]) => {
    const networks = new Map<string | undefined, FleetCluster[]>();
    for (const cluster of members) {
      const key = networkOf(cluster);
      networks.set(key, [...(networks.get(key) ?? []), cluster]);
    }
    return [...networks.entries()]
      .sort(([a], [b]) => {
        if (a === b) return 0;
        if (a === undefined) return 1;
        if (b === undefined) return -1;
        return a.localeCompare(b);
      })
      .map(([network, list]) => ({
        network,
        clusters: [...list].sort((x, y) => x.name.localeCompare(y.name)),
      }));
  };
  for (const mesh of meshes) {
    const members = [...new Set(mesh.clusters)]
      .filter(name => !placed.has(name))
      .map(name => byName.get(name))
      .filter((c): c is FleetCluster => c !== undefined);
    if (members.length === 0) continue;
    members.forEach(c => placed.add(c.name));
    groups.push({ mesh, networks: byNetwork(members) });
  }
  const rest = clusters.filter(c => !placed.has(c.name));
  if (rest.length > 0) groups.push({ networks: byNetwork(rest) });
  return groups;
}

export interface TypedLink {
  kind: ClusterLinkKind;
  from: string;
  to: string;
  bothWays: boolean;
  linkerdMode?: ClusterLink['linkerdMode'];
}

/**
 * One line per pair and kind: `a → b` and `b → a` of the same kind become `a ↔ b`; the same
 * pair linked two ways (endpoint discovery and gateways) keeps two lines. Links to a cluster
 * the picture does not know, and a cluster's link to itself, are left out.
 */
export function typeLinks(
  links: ClusterLink[],
  known: Set<string>,
): TypedLink[] {
  const out = new Map<string, TypedLink>();
  for (const link of links) {
    if (!known.has(link.from) || !known.has(link.to)) continue;
    if (link.from === link.to) continue;
    const [a, b] = [link.from, link.to].sort((x, y) => x.localeCompare(y));
    const key = `${link.via}|${a}|${b}`;
    const seen = out.get(key);
    if (!seen) {
      out.set(key, {
        kind: link.via,
        from: link.from,
        to: link.to,
        bothWays: false,
        linkerdMode: link.linkerdMode,
      });
    } else if (seen.from !== link.from) {
      out.set(key, { ...seen, from: a, to: b, bothWays: true });
    }
  }
  return [...out.values()].sort(
    (x, y) =>
      LINK_KINDS.indexOf(x.kind) - LINK_KINDS.indexOf(y.kind) ||
      x.from.localeCompare(y.from) ||
      x.to.localeCompare(y.to),
  );
}

function describeLink(link: TypedLink, uncertain: string[]): string {
  const kind =
    link.kind === 'linkerd-multicluster' && link.linkerdMode === 'flat'
      ? `${LINK_KIND_LABEL[link.kind]} (flat, pod to pod)`
      : LINK_KIND_LABEL[link.kind];
  const what = link.bothWays
    ? `${link.from} ↔ ${link.to}: ${kind}; each reaches the other's services`
    : `${link.from} → ${link.to}: ${kind}; clients in ${link.from} reach services in ${link.to}`;
  return uncertain.length > 0
    ? `${what} (${uncertain.join(
        ' and ',
      )} not synced now: the link may no longer hold)`
    : what;
}

function describeNode(node: Omit<ClusterNode, 'description'>): string {
  const parts = [
    `${node.name}: ${node.healthLabel}`,
    plural(node.services, 'service'),
    node.gateways.length > 0
      ? `east-west gateway ${node.gateways.join('; ')}`
      : 'no east-west gateway',
  ];
  if (node.alsoIn.length > 0) parts.push(`also in ${node.alsoIn.join(', ')}`);
  const sentence = parts.join(', ');
  return node.reason ? `${sentence}. ${node.reason}` : sentence;
}

function meshLabel(mesh: Mesh | undefined): { label: string; detail: string } {
  if (!mesh) {
    return {
      label: 'No mesh',
      detail: 'no control plane found in these clusters',
    };
  }
  const kind = mesh.kind === 'istio' ? 'Istio' : 'Linkerd';
  const trust = mesh.trustDomains.join(', ') || 'trust domain unknown';
  return {
    label: `${mesh.id} · ${kind}`,
    detail: `${trust} · ${
      mesh.sharedRootOfTrust
        ? 'shared root of trust'
        : 'no shared root of trust'
    }`,
  };
}

/**
 * Where each link leaves each of its nodes: ends going left first, then ends going right, each
 * side ordered so that a longer link (in a deeper lane) never drops through a shorter one.
 */
function assignPorts(
  links: TypedLink[],
  nodes: Map<string, ClusterNode>,
): Map<string, number> {
  const ends = new Map<string, { key: string; otherX: number }[]>();
  links.forEach((link, i) => {
    for (const [self, other] of [
      [link.from, link.to],
      [link.to, link.from],
    ]) {
      const list = ends.get(self) ?? [];
      list.push({ key: `${i}|${self}`, otherX: nodes.get(other)!.x });
      ends.set(self, list);
    }
  });
  const ports = new Map<string, number>();
  for (const [name, list] of ends) {
    const node = nodes.get(name)!;
    const left = list.filter(e => e.otherX < node.x);
    const right = list.filter(e => e.otherX > node.x);
    const ordered = [
      ...left.sort((p, q) => q.otherX - p.otherX),
      ...right.sort((p, q) => q.otherX - p.otherX),
    ];
    ordered.forEach((end, i) => {
      ports.set(
        end.key,
        node.x + ((i + 1) * NODE_WIDTH) / (ordered.length + 1),
      );
    });
  }
  return ports;
}

/**
 * Lanes under the row: shortest links first, each in the first lane where it overlaps no
 * other, so a link nested inside another runs above it and their lines do not cross.
 */
export function assignLanes(
  spans: { left: number; right: number }[],
): number[] {
  const lanes: { left: number; right: number }[][] = [];
  const result = new Array<number>(spans.length);
  const order = spans
    .map((span, index) => ({ ...span, index }))
    .sort((p, q) => p.right - p.left - (q.right - q.left) || p.left - q.left);
  for (const span of order) {
    let lane = lanes.findIndex(taken =>
      taken.every(
        t =>
          span.right + LANE_CLEARANCE < t.left ||
          span.left > t.right + LANE_CLEARANCE,
      ),
    );
    if (lane === -1) {
      lanes.push([]);
      lane = lanes.length - 1;
    }
    lanes[lane].push(span);
    result[span.index] = lane;
  }
  return result;
}

function clusterNode(
  cluster: FleetCluster,
  x: number,
  y: number,
  extra: { services: number; alsoIn: string[] },
): ClusterNode {
  const partial = {
    name: cluster.name,
    shortName: fitText(cluster.name, NAME_CHARS),
    x,
    y,
    health: cluster.sync.state,
    healthLabel: healthLabel(cluster),
    reason: cluster.sync.error
      ? `Last sync failed: ${
          cluster.sync.error.message
        }. Last successful sync: ${formatTime(cluster.sync.lastSuccessAt)}.`
      : undefined,
    gateways: gatewayLabels(cluster),
    ...extra,
  };
  return { ...partial, description: describeNode(partial) };
}

export function layoutFleetPicture(input: {
  clusters: FleetCluster[];
  meshes: Mesh[];
  links: ClusterLink[];
  services: MeshService[];
}): FleetPictureLayout {
  const serviceCounts = countServices(input.services);
  const groups = groupFleet(input.clusters, input.meshes);
  const nodes = new Map<string, ClusterNode>();
  const meshBoxes: MeshBox[] = [];

  const meshY = PAD;
  const netY = meshY + MESH_HEADER;
  const nodeY = netY + NET_HEADER;
  const netHeight = NET_HEADER + NODE_HEIGHT + NET_PAD;
  const meshHeight = MESH_HEADER + netHeight + MESH_PAD;

  // Left to right: each box's width is what its contents took, so x runs through them all.
  let x = PAD;
  for (const group of groups) {
    const meshX = x;
    x += MESH_PAD;
    const networks: NetworkGroup[] = [];
    for (const net of group.networks) {
      if (networks.length > 0) x += NET_GAP;
      const groupX = x;
      x += NET_PAD;
      const members: ClusterNode[] = [];
      for (const cluster of net.clusters) {
        if (members.length > 0) x += NODE_GAP;
        const node = clusterNode(cluster, x, nodeY, {
          services: serviceCounts.get(cluster.name) ?? 0,
          alsoIn: input.meshes
            .filter(m => m !== group.mesh && m.clusters.includes(cluster.name))
            .map(m => m.id),
        });
        nodes.set(node.name, node);
        members.push(node);
        x += NODE_WIDTH;
      }
      x += NET_PAD;
      networks.push({
        network: net.network,
        label: net.network ?? 'network not labelled',
        x: groupX,
        y: netY,
        width: x - groupX,
        height: netHeight,
        clusters: members,
      });
    }
    x += MESH_PAD;
    meshBoxes.push({
      id: group.mesh?.id,
      kind: group.mesh?.kind,
      ...meshLabel(group.mesh),
      x: meshX,
      y: meshY,
      width: x - meshX,
      height: meshHeight,
      networks,
    });
    x += MESH_GAP;
  }
  const width = Math.max(x - MESH_GAP + PAD, PAD * 2);

  const typed = typeLinks(input.links, new Set(nodes.keys()));
  const ports = assignPorts(typed, nodes);
  const ends = typed.map((link, i) => ({
    x1: ports.get(`${i}|${link.from}`)!,
    x2: ports.get(`${i}|${link.to}`)!,
  }));
  const lanes = assignLanes(
    ends.map(e => ({
      left: Math.min(e.x1, e.x2),
      right: Math.max(e.x1, e.x2),
    })),
  );
  const bottom = nodeY + NODE_HEIGHT;
  const laneTop = meshY + meshHeight;
  const links: LinkLine[] = typed.map((link, i) => {
    const laneY = laneTop + (lanes[i] + 1) * LANE_GAP;
    const uncertain = [link.from, link.to].filter(
      name => nodes.get(name)!.health !== 'ok',
    );
    return {
      id: `${link.kind}:${link.from}:${link.to}`,
      kind: link.kind,
      from: link.from,
      to: link.to,
      bothWays: link.bothWays,
      uncertain: uncertain.length > 0,
      path: `M ${ends[i].x1} ${bottom} V ${laneY} H ${ends[i].x2} V ${bottom}`,
      lane: lanes[i],
      description: describeLink(link, uncertain),
    };
  });
  const laneCount = links.length > 0 ? Math.max(...lanes) + 1 : 0;
  const droppedLinks =
    input.links.length -
    input.links.filter(
      l => nodes.has(l.from) && nodes.has(l.to) && l.from !== l.to,
    ).length;

  return {
    width,
    height: laneTop + laneCount * LANE_GAP + PAD,
    nodeWidth: NODE_WIDTH,
    nodeHeight: NODE_HEIGHT,
    meshes: meshBoxes,
    links,
    droppedLinks,
  };
}
