import type {
  ClusterLink,
  FleetCluster,
  Mesh,
} from '@meshport/backstage-plugin-mesh-common';
import { demoFleet } from '../../__testUtils__/demoFleet';
import {
  assignLanes,
  countServices,
  fitText,
  groupFleet,
  layoutFleetPicture,
  NODE_HEIGHT,
  NODE_WIDTH,
  typeLinks,
} from './layoutFleetPicture';

function cluster(
  name: string,
  extra: Partial<FleetCluster> = {},
): FleetCluster {
  return {
    name,
    sync: { state: 'ok', lastSuccessAt: '2026-11-22T09:00:00.000Z' },
    regions: [],
    zones: [],
    controlPlanes: [],
    eastWestGateways: [],
    ...extra,
  };
}

function mesh(id: string, clusters: string[], kind: Mesh['kind'] = 'istio') {
  return {
    id,
    kind,
    clusters,
    trustDomains: ['cluster.local'],
    rootCertFingerprints: [],
    sharedRootOfTrust: true,
  };
}

describe('groupFleet', () => {
  it("groups the demo's clusters by mesh, then network", () => {
    const fleet = demoFleet();
    expect(
      groupFleet(fleet.clusters, fleet.meshes).map(g => ({
        mesh: g.mesh?.id,
        networks: g.networks.map(n => [n.network, n.clusters.map(c => c.name)]),
      })),
    ).toEqual([
      {
        mesh: 'istio-mesh1',
        networks: [
          ['network-1', ['cluster-1']],
          ['network-2', ['cluster-2']],
        ],
      },
      { mesh: 'istio-mesh2', networks: [['network-3', ['cluster-3']]] },
      { mesh: 'linkerd-cluster-4', networks: [[undefined, ['cluster-4']]] },
    ]);
  });

  it('draws a cluster two meshes list once, puts clusters of no mesh last, and skips unknown members', () => {
    const groups = groupFleet(
      [
        cluster('b', { network: 'n1' }),
        cluster('a', { network: 'n1' }),
        cluster('c'),
        cluster('lonely'),
      ],
      [
        mesh('istio', ['b', 'a', 'gone']),
        mesh('linkerd', ['a', 'c'], 'linkerd'),
        mesh('empty', ['gone']),
      ],
    );
    expect(
      groups.map(g => [
        g.mesh?.id,
        g.networks.flatMap(n => n.clusters.map(c => c.name)),
      ]),
    ).toEqual([
      ['istio', ['a', 'b']],
      ['linkerd', ['c']],
      [undefined, ['lonely']],
    ]);
  });

  it('takes the network from the control plane when the cluster names none, unlabelled last', () => {
    const groups = groupFleet(
      [
        cluster('x'),
        cluster('y', {
          controlPlanes: [
            {
              kind: 'istio',
              namespace: 'istio-system',
              revision: 'default',
              trustDomain: 'cluster.local',
              network: 'net-b',
              external: false,
              ambient: false,
              readsEndpointsFrom: [],
            },
          ],
        }),
        cluster('z', { network: 'net-a' }),
      ],
      [mesh('m', ['x', 'y', 'z'])],
    );
    expect(groups[0].networks.map(n => n.network)).toEqual([
      'net-a',
      'net-b',
      undefined,
    ]);
  });

  it('is empty for an empty fleet', () => {
    expect(groupFleet([], [])).toEqual([]);
  });
});

describe('typeLinks', () => {
  const known = new Set(['cluster-1', 'cluster-2', 'cluster-3']);

  it("merges both directions of the demo's links into one line per pair and kind", () => {
    expect(typeLinks(demoFleet().links, known)).toEqual([
      {
        kind: 'shared-endpoint-discovery',
        from: 'cluster-1',
        to: 'cluster-2',
        bothWays: true,
        linkerdMode: undefined,
      },
      {
        kind: 'gateway-federation',
        from: 'cluster-1',
        to: 'cluster-3',
        bothWays: true,
        linkerdMode: undefined,
      },
      {
        kind: 'gateway-federation',
        from: 'cluster-2',
        to: 'cluster-3',
        bothWays: true,
        linkerdMode: undefined,
      },
    ]);
  });

  it('keeps one-way links one-way and two kinds between one pair apart', () => {
    const links: ClusterLink[] = [
      { from: 'cluster-2', to: 'cluster-1', via: 'gateway-federation' },
      { from: 'cluster-1', to: 'cluster-2', via: 'shared-endpoint-discovery' },
      { from: 'cluster-1', to: 'cluster-2', via: 'shared-endpoint-discovery' },
    ];
    expect(
      typeLinks(links, known).map(l => [l.kind, l.from, l.to, l.bothWays]),
    ).toEqual([
      ['shared-endpoint-discovery', 'cluster-1', 'cluster-2', false],
      ['gateway-federation', 'cluster-2', 'cluster-1', false],
    ]);
  });

  it('leaves out links to unknown clusters and a cluster linked to itself', () => {
    const links: ClusterLink[] = [
      { from: 'cluster-1', to: 'elsewhere', via: 'gateway-federation' },
      { from: 'cluster-1', to: 'cluster-1', via: 'linkerd-multicluster' },
    ];
    expect(typeLinks(links, known)).toEqual([]);
    expect(typeLinks([], known)).toEqual([]);
  });
});

describe('assignLanes', () => {
  it('runs a nested link above the one around it, and disjoint links in one lane', () => {
    expect(
      assignLanes([
        { left: 0, right: 500 },
        { left: 100, right: 200 },
        { left: 300, right: 400 },
      ]),
    ).toEqual([1, 0, 0]);
  });

  it('opens a lane for each overlap', () => {
    expect(
      assignLanes([
        { left: 0, right: 300 },
        { left: 200, right: 500 },
      ]),
    ).toEqual([0, 1]);
    expect(assignLanes([])).toEqual([]);
  });
});

describe('countServices and fitText', () => {
  it('counts a service once per cluster however many instances it has there', () => {
    const counts = countServices(demoFleet().services);
    expect(Object.fromEntries(counts)).toEqual({
      'cluster-1': 7,
      'cluster-2': 5,
      'cluster-3': 2,
      'cluster-4': 2,
    });
    expect(countServices([]).size).toBe(0);
  });

  it('shortens long names with an ellipsis', () => {
    expect(fitText('cluster-1', 24)).toBe('cluster-1');
    expect(fitText('gke_project_us-central1_prod-01', 12)).toBe('gke_project…');
  });
});

describe('layoutFleetPicture', () => {
  const fleet = demoFleet();
  const layout = layoutFleetPicture(fleet);
  const nodes = layout.meshes.flatMap(m => m.networks.flatMap(n => n.clusters));
  const node = (name: string) => nodes.find(n => n.name === name)!;

  it('puts every cluster once, in one row, inside its network inside its mesh', () => {
    expect(nodes.map(n => n.name)).toEqual([
      'cluster-1',
      'cluster-2',
      'cluster-3',
      'cluster-4',
    ]);
    expect(new Set(nodes.map(n => n.y)).size).toBe(1);
    for (let i = 1; i < nodes.length; i++) {
      expect(nodes[i].x).toBeGreaterThanOrEqual(nodes[i - 1].x + NODE_WIDTH);
    }
    for (const box of layout.meshes) {
      for (const net of box.networks) {
        expect(net.x).toBeGreaterThanOrEqual(box.x);
        expect(net.x + net.width).toBeLessThanOrEqual(box.x + box.width);
        for (const n of net.clusters) {
          expect(n.x).toBeGreaterThanOrEqual(net.x);
          expect(n.x + NODE_WIDTH).toBeLessThanOrEqual(net.x + net.width);
          expect(n.y + NODE_HEIGHT).toBeLessThanOrEqual(net.y + net.height);
        }
      }
    }
    const last = layout.meshes[layout.meshes.length - 1];
    expect(layout.width).toBeGreaterThan(last.x + last.width);
    expect(layout.meshes.map(m => m.label)).toEqual([
      'istio-mesh1 · Istio',
      'istio-mesh2 · Istio',
      'linkerd-cluster-4 · Linkerd',
    ]);
    expect(layout.meshes[2].networks[0].label).toBe('network not labelled');
  });

  it('shows services, gateways and health on each node', () => {
    expect(node('cluster-2')).toMatchObject({
      health: 'ok',
      healthLabel: 'reachable',
      services: 5,
      gateways: ['35.203.44.7:15443'],
    });
    expect(node('cluster-2').description).toBe(
      'cluster-2: reachable, 5 services, east-west gateway 35.203.44.7:15443',
    );
    expect(node('cluster-4').gateways).toEqual([]);
  });

  it('routes every link below the boxes, with ends and lanes that do not collide', () => {
    expect(layout.links.map(l => [l.kind, l.from, l.to, l.bothWays])).toEqual([
      ['shared-endpoint-discovery', 'cluster-1', 'cluster-2', true],
      ['gateway-federation', 'cluster-1', 'cluster-3', true],
      ['gateway-federation', 'cluster-2', 'cluster-3', true],
    ]);
    // 1↔2 and 2↔3 leave cluster-2 on either side, so they share the first lane;
    // 1↔3 spans both and runs under them
    expect(layout.links.map(l => l.lane)).toEqual([0, 1, 0]);
    const bottom = node('cluster-1').y + NODE_HEIGHT;
    const xs: number[] = [];
    for (const link of layout.links) {
      const m = /^M (\S+) (\S+) V (\S+) H (\S+) V (\S+)$/.exec(link.path)!;
      expect(Number(m[2])).toBe(bottom);
      expect(Number(m[5])).toBe(bottom);
      expect(Number(m[3])).toBeGreaterThan(
        layout.meshes[0].y + layout.meshes[0].height,
      );
      expect(Number(m[3])).toBeLessThan(layout.height);
      xs.push(Number(m[1]), Number(m[4]));
      // each end leaves its own node
      expect(Number(m[1])).toBeGreaterThan(node(link.from).x);
      expect(Number(m[1])).toBeLessThan(node(link.from).x + NODE_WIDTH);
      expect(Number(m[4])).toBeGreaterThan(node(link.to).x);
      expect(Number(m[4])).toBeLessThan(node(link.to).x + NODE_WIDTH);
    }
    expect(new Set(xs).size).toBe(xs.length);
    expect(layout.links[0].description).toBe(
      "cluster-1 ↔ cluster-2: shared control plane (endpoint discovery); each reaches the other's services",
    );
  });

  it('marks a stale cluster and its links, with the reason', () => {
    const stale = layoutFleetPicture({
      ...fleet,
      clusters: fleet.clusters.map(c =>
        c.name === 'cluster-3'
          ? {
              ...c,
              sync: {
                state: 'stale' as const,
                lastSuccessAt: '2026-11-22T09:00:00.000Z',
                error: {
                  reason: 'timeout' as const,
                  message: 'API server timed out after 10s',
                },
              },
            }
          : c,
      ),
    });
    const three = stale.meshes[1].networks[0].clusters[0];
    expect(three).toMatchObject({
      health: 'stale',
      healthLabel: 'stale: unreachable',
      reason:
        'Last sync failed: API server timed out after 10s. Last successful sync: 2026-11-22 09:00 UTC.',
    });
    expect(three.description).toBe(
      'cluster-3: stale: unreachable, 2 services, east-west gateway 34.77.120.9:15443. Last sync failed: API server timed out after 10s. Last successful sync: 2026-11-22 09:00 UTC.',
    );
    expect(stale.links.map(l => l.uncertain)).toEqual([false, true, true]);
    expect(stale.links[1].description).toMatch(
      /\(cluster-3 not synced now: the link may no longer hold\)$/,
    );
  });

  it('says so when discovery cannot use the auth provider', () => {
    const layoutAuth = layoutFleetPicture({
      clusters: [
        cluster('gke-1', {
          sync: {
            state: 'never-synced',
            error: {
              reason: 'auth-config',
              message: 'use googleServiceAccount',
            },
          },
        }),
      ],
      meshes: [],
      links: [],
      services: [],
    });
    expect(layoutAuth.meshes[0].networks[0].clusters[0].reason).toBe(
      'Last sync failed: use googleServiceAccount. Last successful sync: never.',
    );
    expect(layoutAuth.meshes[0]).toMatchObject({
      label: 'No mesh',
      networks: [
        {
          clusters: [
            {
              health: 'never-synced',
              healthLabel: 'auth provider unusable',
            },
          ],
        },
      ],
    });
  });

  it('names a gateway without an address by its object, and lists every gateway', () => {
    const gateways = layoutFleetPicture({
      clusters: [
        cluster('c', {
          eastWestGateways: [
            {
              namespace: 'istio-system',
              name: 'istio-eastwestgateway',
              addresses: [],
              port: 15443,
            },
            {
              namespace: 'istio-system',
              name: 'ew-2',
              addresses: ['10.0.0.1', 'ew.example.com'],
              port: 15443,
            },
          ],
        }),
      ],
      meshes: [],
      links: [],
      services: [],
    });
    expect(gateways.meshes[0].networks[0].clusters[0].gateways).toEqual([
      'istio-system/istio-eastwestgateway:15443 (no address yet)',
      '10.0.0.1, ew.example.com:15443',
    ]);
  });

  it('counts links it cannot draw, and draws nothing for an empty fleet', () => {
    const partial = layoutFleetPicture({
      ...fleet,
      links: [
        ...fleet.links,
        { from: 'cluster-1', to: 'not-here', via: 'gateway-federation' },
      ],
    });
    expect(partial.droppedLinks).toBe(1);
    expect(layout.droppedLinks).toBe(0);
    const empty = layoutFleetPicture({
      clusters: [],
      meshes: [],
      links: [],
      services: [],
    });
    expect(empty.meshes).toEqual([]);
    expect(empty.links).toEqual([]);
    expect(empty.width).toBeGreaterThan(0);
  });
});
