import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { compile } from '../../compile';
import { linkerdFleet } from '../../__fixtures__/fleets';
import type { TrafficPolicy } from '../../schema';

function split(
  over: Partial<TrafficPolicy['spec']> = {},
  name = 'checkout-split',
): TrafficPolicy {
  return {
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'TrafficPolicy',
    metadata: { name, namespace: 'shop' },
    spec: {
      sources: [{ cluster: 'east' }],
      destination: { service: 'checkout', namespace: 'shop' },
      route: [
        { cluster: 'east', weight: 80 },
        { cluster: 'west', weight: 20 },
      ],
      ...over,
    },
  };
}

const routes = (r: ReturnType<typeof compile>, cluster: string) =>
  (r.resources[cluster] ?? []).filter(o => o.kind === 'HTTPRoute');

/** checkout with a second port, 9443, in both clusters. */
function twoPorts(): Fleet {
  const fleet = linkerdFleet();
  for (const i of fleet.services.find(s => s.id === 'shop/checkout')!.instances)
    i.ports.push({
      name: 'grpc',
      port: 9443,
      targetPort: 9443,
      protocol: 'TCP',
    });
  return fleet;
}

/**
 * A third Linkerd cluster, north, linked to west, that runs no checkout of its own: its
 * callers reach west's checkout through the mirror `checkout-west`, when west exports it.
 */
function northFleet(mirrored: boolean): Fleet {
  const fleet = linkerdFleet();
  fleet.clusters.push({ ...fleet.clusters[0], name: 'north' });
  fleet.links.push({
    from: 'north',
    to: 'west',
    via: 'linkerd-multicluster',
    linkerdMode: 'gateway',
  });
  const west = fleet.services
    .find(s => s.id === 'shop/checkout')!
    .instances.find(i => i.cluster === 'west')!;
  west.mirroredIn = mirrored ? ['east', 'north'] : ['east'];
  return fleet;
}

describe('Linkerd HTTPRoute API version (issue 17, item 7)', () => {
  it("uses Linkerd's own policy.linkerd.io/v1beta3 HTTPRoute, not gateway.networking.k8s.io/v1", () => {
    const result = compile([split()], linkerdFleet());
    expect(result.errors).toEqual([]);
    expect(routes(result, 'east').map(r => r.apiVersion)).toEqual([
      'policy.linkerd.io/v1beta3',
    ]);
  });

  it('uses v1beta2 on Linkerd 2.13 and refuses what it cannot express there', () => {
    const fleet = linkerdFleet();
    fleet.clusters[0].controlPlanes[0].version = 'stable-2.13.7';
    const plain = compile([split()], fleet);
    expect(plain.errors).toEqual([]);
    expect(routes(plain, 'east').map(r => r.apiVersion)).toEqual([
      'policy.linkerd.io/v1beta2',
    ]);
    const timed = compile(
      [split({ timeout: '3s', headers: { response: { remove: ['server'] } } })],
      fleet,
    );
    expect(timed.errors.map(e => [e.path, e.message])).toEqual([
      [
        'spec.headers.response',
        expect.stringMatching(
          /^east runs Linkerd stable-2.13.7, whose policy.linkerd.io\/v1beta2 HTTPRoute cannot express headers.response/,
        ),
      ],
      ['spec.timeout', expect.stringMatching(/cannot express timeout/)],
    ]);
  });
});

describe('Linkerd HTTPRoute parents (issue 17, item 8)', () => {
  it('names the service port in the parentRef', () => {
    const [route] = routes(compile([split()], linkerdFleet()), 'east');
    expect(route.spec.parentRefs).toEqual([
      { group: '', kind: 'Service', name: 'checkout', port: 9080 },
    ]);
  });

  it("routes one port of a multi-port Service, leaving the other port's traffic alone", () => {
    const result = compile(
      [
        split({
          destination: { service: 'checkout', namespace: 'shop', port: 9080 },
        }),
        split(
          {
            destination: { service: 'checkout', namespace: 'shop', port: 9443 },
            route: undefined,
            timeout: '1s',
          },
          'checkout-grpc-timeout',
        ),
      ],
      twoPorts(),
    );
    expect(result.errors).toEqual([]);
    expect(
      routes(result, 'east').map(r => [
        r.metadata.name,
        r.spec.parentRefs,
        (r.spec.rules as { backendRefs: { port: number }[] }[]).flatMap(x =>
          x.backendRefs.map(b => b.port),
        ),
      ]),
    ).toEqual([
      [
        'meshport-checkout-9080',
        [{ group: '', kind: 'Service', name: 'checkout', port: 9080 }],
        [9080, 9080],
      ],
      [
        'meshport-checkout-9443',
        [{ group: '', kind: 'Service', name: 'checkout', port: 9443 }],
        [9443],
      ],
    ]);
  });

  it('attaches the route to the mirror in a client that has only the mirror', () => {
    const result = compile(
      [
        split({
          sources: [{ cluster: 'north' }],
          route: [{ cluster: 'west', weight: 100 }],
        }),
      ],
      northFleet(true),
    );
    expect(result.errors).toEqual([]);
    const [route] = routes(result, 'north');
    expect(route.metadata.name).toBe('meshport-checkout-west-9080');
    expect(route.spec.parentRefs).toEqual([
      { group: '', kind: 'Service', name: 'checkout-west', port: 9080 },
    ]);
    expect(route.spec.rules).toEqual([
      { backendRefs: [{ name: 'checkout-west', port: 9080, weight: 100 }] },
    ]);
  });

  it('refuses a client with neither the Service nor a mirror of it', () => {
    // Linkerd mirrors into the exported Service's own namespace, so a cluster with no mirror
    // and no instance of the service holds no shop namespace as far as the fleet knows: the
    // policy is refused for that, before any route is built.
    const result = compile(
      [
        split({
          sources: [{ cluster: 'north' }],
          route: [{ cluster: 'west', weight: 100 }],
        }),
      ],
      northFleet(false),
    );
    expect(result.errors.map(e => [e.path, e.message])).toEqual([
      [
        'spec.sources',
        expect.stringMatching(
          /^north has no shop namespace, where this policy/,
        ),
      ],
    ]);
    expect(routes(result, 'north')).toEqual([]);
  });

  it('refuses a backend mirror the Link never created', () => {
    const fleet = linkerdFleet();
    fleet.services
      .find(s => s.id === 'shop/checkout')!
      .instances.find(i => i.cluster === 'west')!.mirroredIn = undefined;
    const result = compile([split()], fleet);
    expect(result.errors.map(e => e.path)).toEqual(['spec.route.1.cluster']);
  });
});
