import type { MeshConfigObject } from './inventory';
import { effectiveIstioMtls, effectiveLinkerdMtls } from './mtls';

const pa = (
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  creationTimestamp = '2025-01-01T00:00:00Z',
): MeshConfigObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  namespace,
  name,
  labels: {},
  annotations: {},
  creationTimestamp,
  spec,
});

const base = {
  rootNamespace: 'istio-system',
  namespace: 'shop',
  podLabels: [{ app: 'cart', version: 'v1' }],
  ports: [
    { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
    { name: 'metrics', port: 9090, protocol: 'TCP' },
  ],
};

describe('effectiveIstioMtls', () => {
  it('is PERMISSIVE with no source when no policy exists', () => {
    expect(effectiveIstioMtls({ ...base, peerAuthentications: [] })).toEqual({
      mode: 'PERMISSIVE',
    });
  });

  it('applies root namespace, then namespace, then workload selector, then ports', () => {
    const mesh = pa('istio-system', 'default', { mtls: { mode: 'STRICT' } });
    const ns = pa('shop', 'default', { mtls: { mode: 'PERMISSIVE' } });
    const workload = pa('shop', 'cart', {
      selector: { matchLabels: { app: 'cart' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 8080: { mode: 'DISABLE' }, 9090: { mode: 'UNSET' } },
    });
    expect(
      effectiveIstioMtls({ ...base, peerAuthentications: [mesh] }),
    ).toEqual({ mode: 'STRICT', source: 'istio-system/default' });
    expect(
      effectiveIstioMtls({ ...base, peerAuthentications: [mesh, ns] }),
    ).toEqual({ mode: 'PERMISSIVE', source: 'shop/default' });
    expect(
      effectiveIstioMtls({
        ...base,
        peerAuthentications: [mesh, ns, workload],
      }),
    ).toEqual({
      mode: 'STRICT',
      source: 'shop/cart',
      // keyed by service port: 80 targets 8080
      ports: { '80': 'DISABLE' },
    });
  });

  it('inherits through UNSET and ignores policies of other namespaces and workloads', () => {
    const mesh = pa('istio-system', 'default', { mtls: { mode: 'STRICT' } });
    const unset = pa('shop', 'default', { mtls: { mode: 'UNSET' } });
    const otherNs = pa('billing', 'default', { mtls: { mode: 'DISABLE' } });
    const otherWorkload = pa('shop', 'db', {
      selector: { matchLabels: { app: 'db' } },
      mtls: { mode: 'DISABLE' },
    });
    const rootSelector = pa('istio-system', 'gw', {
      selector: { matchLabels: { app: 'cart' } },
      mtls: { mode: 'DISABLE' },
    });
    expect(
      effectiveIstioMtls({
        ...base,
        peerAuthentications: [
          mesh,
          unset,
          otherNs,
          otherWorkload,
          rootSelector,
        ],
      }),
    ).toEqual({ mode: 'STRICT', source: 'istio-system/default' });
  });

  // Issue 17, item 5. ComposePeerAuthentication (pilot/pkg/security/authn/policy_applier.go)
  // takes a selector policy as a workload policy only outside the root namespace.
  it('ignores a selector policy in the root namespace for workloads of the root namespace', () => {
    const mesh = pa('istio-system', 'default', { mtls: { mode: 'STRICT' } });
    const rootSelector = pa('istio-system', 'gw', {
      selector: { matchLabels: { app: 'cart' } },
      mtls: { mode: 'DISABLE' },
      portLevelMtls: { 8080: { mode: 'DISABLE' } },
    });
    expect(
      effectiveIstioMtls({
        ...base,
        namespace: 'istio-system',
        peerAuthentications: [mesh, rootSelector],
      }),
    ).toEqual({ mode: 'STRICT', source: 'istio-system/default' });
  });

  // portLevelMtls is keyed by the workload's port; a Service naming its targetPort reaches
  // the container port of that name, which is the key Istio matches.
  it('resolves a port-level override through a named targetPort', () => {
    const workload = pa('shop', 'cart', {
      selector: { matchLabels: { app: 'cart' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 8443: { mode: 'DISABLE' } },
    });
    const input = {
      ...base,
      ports: [
        { name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' },
        { name: 'admin', port: 9000, targetPort: 'admin', protocol: 'TCP' },
      ],
      peerAuthentications: [workload],
    };
    expect(
      effectiveIstioMtls({ ...input, podPorts: [{ web: 8443, admin: 9000 }] }),
    ).toEqual({
      mode: 'STRICT',
      source: 'shop/cart',
      ports: { '80': 'DISABLE' },
    });
    // Pods that disagree on what `web` means give no single key: no override is claimed.
    expect(
      effectiveIstioMtls({
        ...input,
        podPorts: [{ web: 8443 }, { web: 8080 }],
      }),
    ).toEqual({ mode: 'STRICT', source: 'shop/cart' });
  });

  it('lets the oldest policy win when two apply at one level', () => {
    const newer = pa(
      'shop',
      'b-newer',
      { mtls: { mode: 'DISABLE' } },
      '2025-02-01T00:00:00Z',
    );
    const older = pa(
      'shop',
      'z-older',
      { mtls: { mode: 'STRICT' } },
      '2024-12-01T00:00:00Z',
    );
    expect(
      effectiveIstioMtls({ ...base, peerAuthentications: [newer, older] }),
    ).toEqual({ mode: 'STRICT', source: 'shop/z-older' });
  });
});

describe('effectiveLinkerdMtls', () => {
  it('reads the inbound policy from pod, then namespace, then cluster default', () => {
    const input = {
      namespace: 'shop',
      podAnnotations: [{}],
      namespaceAnnotations: {},
    };
    expect(effectiveLinkerdMtls(input)).toEqual({ mode: 'PERMISSIVE' });
    expect(
      effectiveLinkerdMtls({ ...input, clusterDefault: 'all-authenticated' }),
    ).toEqual({ mode: 'STRICT' });
    expect(
      effectiveLinkerdMtls({
        ...input,
        namespaceAnnotations: {
          'config.linkerd.io/default-inbound-policy': 'all-authenticated',
        },
        podAnnotations: [
          { 'config.linkerd.io/default-inbound-policy': 'all-unauthenticated' },
        ],
      }),
    ).toEqual({ mode: 'PERMISSIVE', source: 'shop/pod-annotation' });
  });

  // linkerd.io/2/reference/authorization-policy: cluster-authenticated admits only meshed
  // clients of the same cluster, audit behaves as all-unauthenticated.
  it('reads cluster-authenticated as STRICT and audit as PERMISSIVE', () => {
    const input = {
      namespace: 'shop',
      podAnnotations: [{}],
      namespaceAnnotations: {},
    };
    expect(
      effectiveLinkerdMtls({
        ...input,
        clusterDefault: 'cluster-authenticated',
      }),
    ).toEqual({ mode: 'STRICT' });
    expect(
      effectiveLinkerdMtls({
        ...input,
        clusterDefault: 'cluster-unauthenticated',
      }),
    ).toEqual({ mode: 'PERMISSIVE' });
    expect(effectiveLinkerdMtls({ ...input, clusterDefault: 'audit' })).toEqual(
      {
        mode: 'PERMISSIVE',
      },
    );
  });

  describe('with Servers', () => {
    const policy = (
      kind: string,
      name: string,
      spec: Record<string, unknown>,
      labels: Record<string, string> = {},
    ): MeshConfigObject => ({
      apiVersion: 'policy.linkerd.io/v1beta1',
      kind,
      namespace: 'shop',
      name,
      labels,
      annotations: {},
      creationTimestamp: '2025-01-01T00:00:00Z',
      spec,
    });
    const input = {
      namespace: 'shop',
      podAnnotations: [{}],
      namespaceAnnotations: {},
      podLabels: [{ app: 'cart' }],
      podPorts: [{ http: 8080 }],
      ports: [
        { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9090, protocol: 'TCP' },
      ],
    };
    const server = (spec: Record<string, unknown> = {}) =>
      policy('Server', 'cart-http', {
        podSelector: { matchLabels: { app: 'cart' } },
        port: 'http',
        proxyProtocol: 'HTTP/1',
        ...spec,
      });

    it('makes a Server port STRICT: it denies what no authorization admits', () => {
      expect(effectiveLinkerdMtls({ ...input, policies: [server()] })).toEqual({
        mode: 'PERMISSIVE',
        ports: { '80': 'STRICT' },
      });
      // Listed only where it differs from the pod's default.
      expect(
        effectiveLinkerdMtls({
          ...input,
          clusterDefault: 'all-authenticated',
          policies: [server()],
        }),
      ).toEqual({ mode: 'STRICT' });
    });

    it('makes it PERMISSIVE when an authorization or the access policy admits unauthenticated clients', () => {
      const denyByDefault = { ...input, clusterDefault: 'deny' };
      const legacy = policy('ServerAuthorization', 'anyone', {
        server: { name: 'cart-http' },
        client: { unauthenticated: true },
      });
      const network = policy('AuthorizationPolicy', 'from-vpc', {
        targetRef: {
          group: 'policy.linkerd.io',
          kind: 'Server',
          name: 'cart-http',
        },
        requiredAuthenticationRefs: [
          {
            group: 'policy.linkerd.io',
            kind: 'NetworkAuthentication',
            name: 'vpc',
          },
        ],
      });
      const meshOnly = policy('AuthorizationPolicy', 'from-web', {
        targetRef: {
          group: 'policy.linkerd.io',
          kind: 'Server',
          name: 'cart-http',
        },
        requiredAuthenticationRefs: [
          {
            group: 'policy.linkerd.io',
            kind: 'MeshTLSAuthentication',
            name: 'web',
          },
        ],
      });
      for (const admits of [[legacy], [network]]) {
        expect(
          effectiveLinkerdMtls({
            ...denyByDefault,
            policies: [server(), ...admits],
          }).ports,
        ).toEqual({ '80': 'PERMISSIVE' });
      }
      expect(
        effectiveLinkerdMtls({
          ...denyByDefault,
          policies: [server(), meshOnly],
        }).ports,
      ).toBeUndefined();
      expect(
        effectiveLinkerdMtls({
          ...denyByDefault,
          policies: [server({ accessPolicy: 'all-unauthenticated' })],
        }).ports,
      ).toEqual({ '80': 'PERMISSIVE' });
    });

    it('ignores Servers of other pods and ports', () => {
      expect(
        effectiveLinkerdMtls({
          ...input,
          policies: [
            server({ podSelector: { matchLabels: { app: 'db' } } }),
            server({ port: 7000 }),
          ],
        }),
      ).toEqual({ mode: 'PERMISSIVE' });
    });
  });
});
