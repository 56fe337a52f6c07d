import { linkerdApiVersions } from './apiVersions';

/**
 * Expected values are the `served: true` versions of charts/linkerd-crds/templates/policy/
 * server.yaml and httproute.yaml at each linkerd/linkerd2 tag (stable-2.13.7, stable-2.14.10,
 * edge-24.7.3, edge-24.7.4, version-2.15 … version-2.19).
 */
describe('Linkerd API versions by discovered version', () => {
  it.each([
    // the demo's cluster-4: Server v1alpha1/v1beta1 only
    [
      'stable-2.14.10',
      'policy.linkerd.io/v1beta1',
      'policy.linkerd.io/v1beta3',
    ],
    // 2.15 added Server v1beta2, not v1beta3
    [
      'enterprise-2.15.4',
      'policy.linkerd.io/v1beta1',
      'policy.linkerd.io/v1beta3',
    ],
    ['edge-24.7.3', 'policy.linkerd.io/v1beta1', 'policy.linkerd.io/v1beta3'],
    // Server v1beta3 arrived with edge-24.7.4; 2.16 (edge-24.8.2) and later serve it
    ['edge-24.7.4', 'policy.linkerd.io/v1beta3', 'policy.linkerd.io/v1beta3'],
    ['edge-24.8.2', 'policy.linkerd.io/v1beta3', 'policy.linkerd.io/v1beta3'],
    ['stable-2.16.0', 'policy.linkerd.io/v1beta3', 'policy.linkerd.io/v1beta3'],
    ['version-2.17', 'policy.linkerd.io/v1beta3', 'policy.linkerd.io/v1beta3'],
    [
      'enterprise-2.18.2',
      'policy.linkerd.io/v1beta3',
      'policy.linkerd.io/v1beta3',
    ],
    ['edge-25.4.1', 'policy.linkerd.io/v1beta3', 'policy.linkerd.io/v1beta3'],
    // HTTPRoute v1beta3 (timeouts) arrived with edge-23.6.1; 2.13 serves up to v1beta2
    ['stable-2.13.7', 'policy.linkerd.io/v1beta1', 'policy.linkerd.io/v1beta2'],
    ['edge-23.5.3', 'policy.linkerd.io/v1beta1', 'policy.linkerd.io/v1beta2'],
    ['edge-23.6.1', 'policy.linkerd.io/v1beta1', 'policy.linkerd.io/v1beta3'],
  ])('%s: Server %s, HTTPRoute %s', (version, server, httpRoute) => {
    const v = linkerdApiVersions(version);
    expect(v).toEqual({
      server,
      httpRoute,
      routeV1beta3: httpRoute.endsWith('v1beta3'),
    });
  });

  it.each([undefined, '', 'latest', '1.24.2', 'stable-2.12.6', 'edge-22.12.1'])(
    'falls back to the oldest safe versions, with a warning, for %p',
    version => {
      const v = linkerdApiVersions(version);
      expect(v).toMatchObject({
        server: 'policy.linkerd.io/v1beta1',
        httpRoute: 'policy.linkerd.io/v1beta2',
        routeV1beta3: false,
      });
      expect(v.warning).toMatch(/is not one Meshport knows/);
    },
  );
});
