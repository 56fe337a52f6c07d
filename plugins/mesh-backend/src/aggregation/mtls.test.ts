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
});
