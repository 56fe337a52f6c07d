import { compile } from '../../compile';
import { demoFleet } from '../../__fixtures__/demoFleet';
import { seedPolicy } from '../../__fixtures__/policies';
import type { TrafficPolicy } from '../../schema';
import type { MeshResource } from '../resources';

// Rendered specs are plain YAML-shaped data; the test reads them as Istio would, untyped.
type Spec = Record<string, any>;

/**
 * The SNI a client sidecar sends for a subset cluster, and under which the remote east-west
 * gateway's SNI-DNAT clusters are named: `model.BuildDNSSrvSubsetKey`
 * (istio/istio pilot/pkg/model/service.go) — `outbound_.<port>_.<subset>_.<host>`.
 */
const sni = (port: number, subset: string, host: string) =>
  `outbound_.${port}_.${subset}_.${host}`;

/**
 * The SNIs an east-west gateway in `cluster` has a filter chain for: one per service port and
 * subset of the DestinationRules *in that cluster* (`buildOutboundSniDnatClusters`,
 * pilot/pkg/networking/core/cluster.go, reads the gateway's own SidecarScope), plus the
 * subset-less default cluster of every service.
 */
function gatewaySnis(resources: MeshResource[], host: string, port: number) {
  const out = new Map<string, Record<string, string>>();
  out.set(sni(port, '', host), {});
  for (const r of resources) {
    const spec = r.spec as Spec;
    if (r.kind !== 'DestinationRule' || spec.host !== host) continue;
    for (const s of spec.subsets ?? [])
      out.set(sni(port, s.name, host), s.labels);
  }
  return out;
}

describe('a subset routed to another network (issue 15, defect 1)', () => {
  it('exists with the same name and labels on the serving cluster, so its gateway has a chain for the SNI', () => {
    const fleet = demoFleet();
    // cluster-1 and cluster-2 share endpoint discovery but sit on different networks.
    const result = compile([seedPolicy()], fleet);
    expect(result.errors).toEqual([]);
    const vs = result.resources['cluster-1'].find(
      r => r.kind === 'VirtualService',
    )!;
    const clientDr = result.resources['cluster-1'].find(
      r =>
        r.kind === 'DestinationRule' && r.metadata.name === 'meshport-reviews',
    )!;
    const host = 'reviews.bookinfo.svc.cluster.local';
    const routed = (vs.spec as Spec).http[0].route.map(
      (r: Spec) => r.destination.subset,
    );
    const remote = (clientDr.spec as Spec).subsets.filter(
      (s: Spec) =>
        routed.includes(s.name) &&
        s.labels['topology.istio.io/cluster'] === 'cluster-2',
    );
    expect(remote.map((s: Spec) => s.name)).toEqual(['cluster-2-v3']);
    const snis = gatewaySnis(result.resources['cluster-2'] ?? [], host, 9080);
    for (const s of remote) {
      expect(snis.get(sni(9080, s.name, host))).toEqual(s.labels);
    }
  });

  it('writes nothing to a serving cluster on the client’s own network', () => {
    const fleet = demoFleet();
    for (const c of fleet.clusters) {
      c.network = 'one';
      for (const cp of c.controlPlanes) cp.network = 'one';
    }
    const result = compile([seedPolicy()], fleet);
    expect(result.errors).toEqual([]);
    expect(result.resources['cluster-2']).toBeUndefined();
  });

  it('refuses two clients whose subsets of one name select different pods on a serving cluster', () => {
    const fleet = demoFleet();
    const reviews = fleet.services.find(s => s.id === 'bookinfo/reviews')!;
    for (const i of reviews.instances) i.subsets.track = ['v3'];
    const route = (
      name: string,
      client: string,
      subset: Record<string, string>,
    ): TrafficPolicy => ({
      apiVersion: 'meshport.dev/v1alpha1',
      kind: 'TrafficPolicy',
      metadata: { name, namespace: 'bookinfo' },
      spec: {
        sources: [{ cluster: client }],
        destination: { service: 'reviews', namespace: 'bookinfo' },
        route: [{ subset, weight: 100 }],
      },
    });
    // Both subsets are named v3 by their own client; a gateway holds one of them per name.
    const result = compile(
      [
        route('by-track', 'cluster-1', { track: 'v3' }),
        route('by-version', 'cluster-2', { version: 'v3' }),
      ],
      fleet,
    );
    expect(result.errors).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(
          /^subset v3 of reviews\.bookinfo\.svc\.cluster\.local selects .* for clients in cluster-\d but .* in cluster-\d: the east-west gateway of cluster-\d can hold one of them only/,
        ),
      }),
    );
  });
});
