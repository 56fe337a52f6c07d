import { compile } from '../../compile';
import { RESOLUTION_ANNOTATION } from '../../constants';
import { demoFleet } from '../../__fixtures__/demoFleet';
import { failover } from '../../__fixtures__/policies';
import { multiNetworkFleet } from '../../__fixtures__/fleets';

// A ServiceEntry host without `addresses` is known to no cluster DNS server; only Istio's DNS
// proxy answers for it ("DNS Proxying",
// istio.io/latest/docs/ops/configuration/traffic-management/dns-proxy/).
describe('a VirtualDestination’s global host (issue 15, defect 7)', () => {
  it('says, on the ServiceEntry and in the diagnostics, that it needs Istio’s DNS proxy', () => {
    // The demo fleet's clusters are in us-west-1 and us-west-2 (the shared fixture's us-east-1
    // is a region it does not have, which the verifier refuses as a failover target).
    const vd = failover();
    vd.spec.failover = {
      mode: 'locality',
      regions: [
        { from: 'us-west-1', to: 'us-west-2' },
        { from: 'us-west-2', to: 'us-west-1' },
      ],
    };
    const result = compile([vd], demoFleet());
    expect(result.errors).toEqual([]);
    expect(result.warnings).toContainEqual({
      policy: 'virtualdestination.bookinfo.reviews-global',
      path: 'spec.hostname',
      message: expect.stringMatching(
        /^reviews\.global resolves only through Istio's DNS proxy: .*ISTIO_META_DNS_CAPTURE.* \(cluster-1, cluster-2\)$/,
      ),
    });
    for (const cluster of ['cluster-1', 'cluster-2']) {
      const se = result.resources[cluster].find(
        r => r.kind === 'ServiceEntry',
      )!;
      expect(se.spec.addresses).toBeUndefined();
      expect(se.metadata.annotations[RESOLUTION_ANNOTATION]).toContain(
        "resolves only through Istio's DNS proxy",
      );
    }
  });
});

describe('compileVirtualDestination', () => {
  it('refuses, with a message, a global host whose backing clusters come from a fleet holding a cluster named "Prod Cluster"', () => {
    const fleet = multiNetworkFleet();
    const rename = (c: string) => (c === 'cluster-2' ? 'Prod Cluster' : c);
    fleet.clusters = fleet.clusters.map(c => ({ ...c, name: rename(c.name) }));
    fleet.services = fleet.services.map(s => ({
      ...s,
      instances: s.instances.map(i => ({ ...i, cluster: rename(i.cluster) })),
    }));
    const vd = failover();
    // no spec.clusters: the fleet says which clusters back the host
    delete vd.spec.clusters;

    const result = compile([vd], fleet);
    expect(result.errors).toEqual([
      {
        policy: 'virtualdestination.bookinfo.reviews-global',
        path: 'spec.destination.service',
        message: expect.stringMatching(/^unknown cluster "Prod Cluster": /),
      },
    ]);
    expect(result.warnings).toContainEqual({
      path: '',
      message: expect.stringContaining(
        'fleet cluster "Prod Cluster" is ignored',
      ),
    });
  });
});
