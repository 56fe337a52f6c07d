import { compile } from '../../compile';
import { multiNetworkFleet } from '../../__fixtures__/fleets';
import { failover } from '../../__fixtures__/policies';

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
