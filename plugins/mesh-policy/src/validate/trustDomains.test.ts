import type { AccessPolicy, TrafficPolicy } from '../schema';
import { compile } from '../compile';
import { demoFleet } from '../__fixtures__/demoFleet';

// In the demo, cluster-1 (trust domain cluster.local) and cluster-3 (mesh2.meshport.dev) hold
// each other's root and list each other's trust domain as an alias. Without the alias only the
// trust domain stands between them. Istio validates a peer's
// SPIFFE trust domain against its own and its aliases (`TrustDomainsForValidation`,
// istio/istio pilot/pkg/networking/plugin/authn/util.go; meshConfig `trustDomainAliases`).

const grant: AccessPolicy = {
  apiVersion: 'meshport.dev/v1alpha1',
  kind: 'AccessPolicy',
  metadata: { name: 'bookinfo-reads-users', namespace: 'accounts' },
  spec: {
    sources: [{ cluster: 'cluster-1', namespace: 'bookinfo' }],
    destination: { service: 'users', namespace: 'accounts', port: 80 },
  },
};

const route: TrafficPolicy = {
  apiVersion: 'meshport.dev/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name: 'users-to-eu', namespace: 'accounts' },
  spec: {
    sources: [{ cluster: 'cluster-1' }],
    destination: { service: 'users', namespace: 'accounts' },
    route: [{ cluster: 'cluster-3', weight: 100 }],
  },
};

const plane = (fleet: ReturnType<typeof demoFleet>, cluster: string) =>
  fleet.clusters.find(c => c.name === cluster)!.controlPlanes[0];

/** The demo fleet as if cluster-3's mesh config had no trustDomainAliases. */
function withoutAliases() {
  const fleet = demoFleet();
  delete plane(fleet, 'cluster-3').trustDomainAliases;
  return fleet;
}

describe('trust domains (issue 15, defect 4)', () => {
  it('refuses a grant from a trust domain the serving mesh does not accept, naming the mesh config', () => {
    const result = compile([grant], withoutAliases());
    expect(result.errors).toEqual([
      expect.objectContaining({
        policy: 'accesspolicy.accounts.bookinfo-reads-users',
        path: 'spec.sources.0.cluster',
        message: expect.stringMatching(
          /^cluster-3 \(trust domain mesh2\.meshport\.dev\) does not accept peers of trust domain cluster\.local.*add cluster\.local to trustDomainAliases .*\(ConfigMap istio-system\/istio, key mesh\)/,
        ),
      }),
    ]);
  });

  it('grants once the serving mesh lists the caller’s trust domain as an alias', () => {
    const fleet = demoFleet();
    expect(plane(fleet, 'cluster-3').trustDomainAliases).toEqual([
      'cluster.local',
    ]);
    const result = compile([grant], fleet);
    expect(result.errors).toEqual([]);
    const ap = result.resources['cluster-3'].find(
      r => r.kind === 'AuthorizationPolicy',
    )!;
    expect(ap.spec.rules).toEqual([
      {
        from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/*'] } }],
        to: [{ operation: { ports: ['8080'] } }],
      },
    ]);
  });

  it('refuses a route into a mesh that does not accept the client’s trust domain', () => {
    expect(compile([route], withoutAliases()).errors).toEqual([
      expect.objectContaining({
        path: 'spec.route.0.cluster',
        message: expect.stringContaining(
          'does not accept peers of trust domain cluster.local',
        ),
      }),
    ]);
    expect(compile([route], demoFleet()).errors).toEqual([]);
  });
});
