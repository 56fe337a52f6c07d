import { compile } from '../compile';
import { multiNetworkFleet, multiPrimaryFleet } from '../__fixtures__/fleets';
import { accessGrant, seedPolicy } from '../__fixtures__/policies';

describe('validation against the fleet', () => {
  const messages = (r: ReturnType<typeof compile>) =>
    r.errors.map(e => `${e.path}: ${e.message}`);

  it('names an unknown service, cluster and subset with the fix', () => {
    const p = seedPolicy();
    p.spec.route![0] = { cluster: 'cluster-9', weight: 75 };
    p.spec.route![1] = {
      cluster: 'cluster-1',
      subset: { version: 'v7' },
      weight: 15,
    };
    expect(messages(compile([p], multiPrimaryFleet()))).toEqual([
      'spec.route.0.cluster: unknown cluster "cluster-9": the fleet has cluster-1, cluster-2; use one of those names',
      'spec.route.1.subset: unknown subset version=v7 of reviews.bookinfo in cluster-1: known values are version=v1, version=v2',
    ]);
    const q = seedPolicy();
    q.spec.destination.service = 'reviewz';
    expect(messages(compile([q], multiPrimaryFleet()))).toEqual([
      'spec.destination.service: unknown service reviewz.bookinfo: no cluster runs it; services in bookinfo are productpage, reviews',
    ]);
  });

  it('refuses a route to a cluster the source cannot reach', () => {
    const p = seedPolicy();
    p.spec.sources = [{ cluster: 'cluster-2' }];
    p.spec.route = [
      { cluster: 'cluster-3', weight: 50 },
      { cluster: 'cluster-2', weight: 50 },
    ];
    expect(messages(compile([p], multiNetworkFleet()))[0]).toMatch(
      /^spec.route.0.cluster: cluster-2 cannot reach cluster-3: the fleet has no link from cluster-2 to cluster-3/,
    );
  });

  it('refuses cross-cluster mTLS between different roots of trust', () => {
    const p = seedPolicy();
    p.spec.route = [
      { cluster: 'cluster-3', weight: 50 },
      { cluster: 'cluster-1', weight: 50 },
    ];
    expect(messages(compile([p], multiNetworkFleet()))).toEqual([
      expect.stringMatching(
        /^spec.route.0.cluster: cluster-1 and cluster-3 do not share a root of trust .* issue both clusters' CAs from one root, or add each root to the other cluster's istio-ca-root-cert$/,
      ),
    ]);
  });

  it("accepts cross-cluster mTLS between meshes that hold each other's root", () => {
    const fleet = multiNetworkFleet();
    const plane = (name: string) =>
      fleet.clusters.find(c => c.name === name)!.controlPlanes[0];
    const [c1, c3] = [plane('cluster-1'), plane('cluster-3')];
    // what discovery records when each istio-ca-root-cert lists the other mesh's root second
    c1.trustedRootFingerprints = [
      c1.rootCertFingerprint!,
      c3.rootCertFingerprint!,
    ];
    c3.trustedRootFingerprints = [
      c3.rootCertFingerprint!,
      c1.rootCertFingerprint!,
    ];
    const p = seedPolicy();
    p.spec.route = [
      { cluster: 'cluster-3', weight: 50 },
      { cluster: 'cluster-1', weight: 50 },
    ];
    expect(messages(compile([p], fleet))).toEqual([]);

    // trust one way only is not enough: cluster-3 would refuse cluster-1's clients
    c3.trustedRootFingerprints = [c3.rootCertFingerprint!];
    expect(messages(compile([p], fleet))).toEqual([
      expect.stringMatching(
        /cluster-1 and cluster-3 do not share a root of trust/,
      ),
    ]);
  });

  it('refuses an unknown identity', () => {
    const a = accessGrant();
    a.spec.sources[0].serviceAccount = 'ghost';
    expect(messages(compile([a], multiPrimaryFleet()))).toEqual([
      'spec.sources.0.serviceAccount: unknown identity spiffe://cluster.local/ns/bookinfo/sa/ghost: no workload in cluster-1 runs as service account ghost in namespace bookinfo; check the names or deploy the caller first',
    ]);
  });
});
