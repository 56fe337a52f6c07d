import { compile } from '../../compile';
import { demoFleet } from '../../__fixtures__/demoFleet';
import type { AccessPolicy } from '../../schema';
import { loadSchemaValidator } from '../schemaCheck';
import type { MeshResource } from '../resources';

// Rendered specs are plain YAML-shaped data; the test reads them as Istio would, untyped.
type Spec = Record<string, any>;

/**
 * ztunnel's decision for a connection under selector ALLOW policies: it sees identities and
 * ports only, so a rule naming methods or paths never matches ("Use Layer 4 security policy",
 * istio.io/latest/docs/ambient/usage/l4-policy/), and once an ALLOW applies, a connection no
 * rule matches is denied.
 */
function ztunnelAllows(
  policies: MeshResource[],
  principal: string,
  port: number,
): boolean {
  const allows = policies.filter(
    p => p.kind === 'AuthorizationPolicy' && (p.spec as Spec).selector,
  );
  if (allows.length === 0) return true;
  return allows.some(p =>
    ((p.spec as Spec).rules ?? []).some((r: Spec) => {
      const ops = (r.to ?? []).map((t: Spec) => t.operation);
      if (ops.some((o: Spec) => o.methods || o.paths)) return false;
      const from = (r.from ?? []).every((f: Spec) =>
        f.source.principals.some((x: string) =>
          x.endsWith('*')
            ? principal.startsWith(x.slice(0, -1))
            : x === principal,
        ),
      );
      const to = ops.every(
        (o: Spec) => !o.ports || o.ports.includes(String(port)),
      );
      return from && to;
    }),
  );
}

function grant(allow?: AccessPolicy['spec']['allow']): AccessPolicy {
  return {
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'AccessPolicy',
    metadata: { name: 'bookinfo-calls-orders', namespace: 'orders' },
    spec: {
      sources: [{ cluster: 'cluster-1', namespace: 'bookinfo' }],
      destination: { service: 'orders', namespace: 'orders', port: 8080 },
      allow,
    },
  };
}

const caller = 'cluster.local/ns/bookinfo/sa/bookinfo-productpage';

// orders runs in ambient mode on cluster-2 in the demo fleet, without a waypoint.
describe('grants to ambient workloads (issue 15, defect 2)', () => {
  it('refuses methods and paths without a waypoint: ztunnel would deny everyone', () => {
    const result = compile(
      [grant({ methods: ['GET'], paths: ['/orders/*'] })],
      demoFleet(),
    );
    expect(result.errors).toEqual([
      expect.objectContaining({
        policy: 'accesspolicy.orders.bookinfo-calls-orders',
        path: 'spec.allow',
        message: expect.stringContaining(
          'runs in ambient mode in cluster-2 without a waypoint',
        ),
      }),
    ]);
    expect(result.resources['cluster-2']).toBeUndefined();
  });

  it('renders a port-level grant that ztunnel enforces, admitting the caller', () => {
    const result = compile([grant({ ports: [8080] })], demoFleet());
    expect(result.errors).toEqual([]);
    const objects = result.resources['cluster-2'];
    expect(ztunnelAllows(objects, caller, 8080)).toBe(true);
    expect(ztunnelAllows(objects, 'cluster.local/ns/other/sa/x', 8080)).toBe(
      false,
    );
  });

  it('attaches the grant to the Service when a waypoint enforces it', async () => {
    const fleet = demoFleet();
    const orders = fleet.services.find(s => s.id === 'orders/orders')!;
    orders.instances[0].waypoint = { namespace: 'orders', name: 'waypoint' };
    const result = compile(
      [grant({ methods: ['GET'], paths: ['/orders/*'] })],
      fleet,
      { validateSchema: await loadSchemaValidator() },
    );
    expect(result.errors).toEqual([]);
    const ap = result.resources['cluster-2'].find(
      r => r.kind === 'AuthorizationPolicy',
    )!;
    expect(ap.spec).toEqual({
      action: 'ALLOW',
      targetRefs: [{ group: '', kind: 'Service', name: 'orders' }],
      rules: [
        {
          from: [
            { source: { principals: ['cluster.local/ns/bookinfo/sa/*'] } },
          ],
          to: [
            {
              operation: {
                methods: ['GET'],
                paths: ['/orders/*'],
                ports: ['8080'],
              },
            },
          ],
        },
      ],
    });
  });
});
