import { compile } from '../compile';
import { demoFleet } from '../__fixtures__/demoFleet';
import { accessGrant, failover } from '../__fixtures__/policies';
import { parsePolicy } from '../schema/policy';
import type { MeshResource } from '../translate/resources';
import { admissionFindings } from '.';

function resource(
  apiVersion: string,
  kind: string,
  spec: Record<string, unknown>,
  name = 'meshport-reviews',
): MeshResource {
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: 'bookinfo', labels: {}, annotations: {} },
    spec,
  };
}

const errors = (r: MeshResource) =>
  admissionFindings(r)
    .filter(f => !f.warning)
    .map(f => f.message);

const NET = 'networking.istio.io/v1';
const SEC = 'security.istio.io/v1';

// Each case follows the Go function named beside it in istio/istio pkg/config/validation, and
// the message is the webhook's own.
describe("Istio's admission rules", () => {
  it('AuthorizationPolicy ports must be numbers (security.ValidatePorts)', () => {
    const ap = (ports: string[]) =>
      resource(SEC, 'AuthorizationPolicy', {
        action: 'ALLOW',
        selector: { matchLabels: { app: 'reviews' } },
        rules: [
          {
            from: [{ source: { principals: ['cluster.local/ns/a/sa/b'] } }],
            to: [{ operation: { ports } }],
          },
        ],
      });
    expect(errors(ap(['9080']))).toEqual([]);
    expect(errors(ap(['http']))).toEqual([
      expect.stringMatching(
        /^invalid policy meshport-reviews\.bookinfo: bad port \(http\)/,
      ),
    ]);
    expect(errors(ap(['70000']))).toEqual([
      expect.stringContaining('bad port (70000)'),
    ]);
  });

  it('AuthorizationPolicy: one of selector or targetRefs, refs to allowed kinds (validateOneOfSelectorType, validatePolicyTargetReference)', () => {
    expect(
      errors(
        resource(SEC, 'AuthorizationPolicy', {
          selector: { matchLabels: { app: 'reviews' } },
          targetRefs: [{ kind: 'Service', group: '', name: 'reviews' }],
        }),
      ),
    ).toContainEqual(
      expect.stringContaining('only one of targetRefs or workloadSelector'),
    );
    expect(
      errors(
        resource(SEC, 'AuthorizationPolicy', {
          targetRefs: [{ kind: 'Service', group: '', name: 'reviews' }],
          rules: [{ from: [{ source: {} }] }],
        }),
      ),
    ).toEqual([
      'invalid policy meshport-reviews.bookinfo: `from.source` must not be empty, found at rule 0',
    ]);
    expect(
      errors(
        resource(SEC, 'AuthorizationPolicy', {
          targetRefs: [{ kind: 'Deployment', group: 'apps', name: 'reviews' }],
        }),
      ),
    ).toContainEqual(expect.stringContaining('targetRef must be to one of'));
  });

  it('DestinationRule locality failover needs two regions (agent.ValidateLocalityLbSetting)', () => {
    const dr = (from: string, to: string) =>
      resource(NET, 'DestinationRule', {
        host: 'reviews.global',
        trafficPolicy: {
          outlierDetection: { consecutive5xxErrors: 5 },
          loadBalancer: {
            localityLbSetting: { enabled: true, failover: [{ from, to }] },
          },
        },
      });
    expect(errors(dr('us-west-1', 'us-west-2'))).toEqual([]);
    expect(errors(dr('us-west-1', 'us-west-1'))).toEqual([
      'locality lb failover settings must specify different regions',
    ]);
    expect(errors(dr('us-west-1/a', 'us-west-2'))).toEqual([
      'locality lb failover only specify region',
    ]);
  });

  it('DestinationRule subsets: unique DNS-label names, a non-empty traffic policy (ValidateDestinationRule)', () => {
    expect(
      errors(
        resource(NET, 'DestinationRule', {
          host: 'reviews.bookinfo.svc.cluster.local',
          trafficPolicy: {},
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            { name: 'v1', labels: { version: 'v2' } },
            { name: 'V_2', labels: { version: 'v2' } },
          ],
        }),
      ),
    ).toEqual([
      'traffic policy must have at least one field',
      'duplicate subset names: v1',
      'subset name is invalid: V_2',
    ]);
  });

  it('VirtualService routes (validateHTTPRoute, validateHTTPRouteDestinations, ValidateHTTPRetry)', () => {
    expect(
      errors(
        resource(NET, 'VirtualService', {
          hosts: ['reviews.bookinfo.svc.cluster.local'],
          http: [
            { name: 'a' },
            {
              route: [
                { destination: { host: 'reviews', subset: 'v1' }, weight: 0 },
                { destination: { host: 'reviews', subset: 'v2' }, weight: 0 },
              ],
              retries: { attempts: 2, retryOn: '5xx,sometimes' },
              timeout: '0ms',
            },
          ],
        }),
      ),
    ).toEqual([
      'HTTP route, redirect or direct_response is required',
      '"sometimes" is not a valid retryOn policy',
      'total destination weight = 0',
      'duration must be greater than 1ms',
    ]);
    expect(
      errors(resource(NET, 'VirtualService', { hosts: ['*'], http: [] })),
    ).toEqual([
      'wildcard host * is not allowed for virtual services bound to the mesh gateway',
      'http, tcp or tls must be provided in virtual service',
    ]);
  });

  it('ServiceEntry endpoints (ValidateServiceEntry, validateWorkloadEntry)', () => {
    expect(
      errors(
        resource(NET, 'ServiceEntry', {
          hosts: ['reviews.bookinfo.cluster-2.global'],
          location: 'MESH_INTERNAL',
          resolution: 'STATIC',
          ports: [{ name: 'http', number: 9080, protocol: 'HTTP' }],
          endpoints: [
            { address: 'gw.example.com', ports: { http: 15443 } },
            { address: '203.0.113.20', ports: { grpc: 15443 } },
          ],
        }),
      ),
    ).toEqual([
      'endpoint address "gw.example.com" is not a valid IP address',
      'endpoint port 15443 is not defined by the service entry',
    ]);
  });

  it('ServiceEntry workload selector (ValidateAlphaWorkloadSelector)', () => {
    expect(
      errors(
        resource(NET, 'ServiceEntry', {
          hosts: ['reviews.bookinfo.cluster-2.global'],
          location: 'MESH_INTERNAL',
          resolution: 'STATIC',
          ports: [{ name: 'http', number: 9080, protocol: 'HTTP' }],
          workloadSelector: { labels: { app: 'rev*' } },
        }),
      ),
    ).toEqual(['wildcard is not supported in selector: "app=rev*"']);
  });

  it('Gateway servers (ValidateGateway, validateServer)', () => {
    expect(
      errors(
        resource(
          NET,
          'Gateway',
          {
            selector: { istio: 'eastwestgateway' },
            servers: [
              {
                port: { number: 15443, name: 'tls', protocol: 'TLS' },
                hosts: ['reviews'],
              },
            ],
          },
          'meshport-istio-eastwestgateway',
        ),
      ),
    ).toEqual([
      'short names (non FQDN) are not allowed',
      'server must have TLS settings for HTTPS/TLS protocols',
    ]);
  });

  it('passes every object the demo policies render', () => {
    const result = compile([accessGrant(), failover()], demoFleet());
    for (const list of Object.values(result.resources))
      for (const r of list) expect([r.kind, errors(r)]).toEqual([r.kind, []]);
  });
});

describe('what the webhook would reject is refused at compile (issue 15, defect 5)', () => {
  it('refuses a grant whose service targets a named container port', () => {
    const fleet = demoFleet();
    const reviews = fleet.services.find(s => s.id === 'bookinfo/reviews')!;
    for (const i of reviews.instances) i.ports[0].targetPort = 'http';
    const result = compile([accessGrant()], fleet);
    expect(result.ok).toBe(false);
    expect(result.errors).toContainEqual(
      expect.objectContaining({
        policy: 'accesspolicy.bookinfo.productpage-reads-reviews',
        path: 'spec.destination.port',
        message: expect.stringContaining(
          'targets the container port named "http"',
        ),
      }),
    );
    // Nothing Istio would refuse is written.
    for (const list of Object.values(result.resources))
      for (const r of list) expect(errors(r)).toEqual([]);
  });

  it('refuses a VirtualDestination failing a region over to itself', () => {
    const vd = failover();
    vd.spec.failover = {
      mode: 'locality',
      regions: [{ from: 'us-west-1', to: 'us-west-1' }],
    };
    const parsed = parsePolicy(vd);
    expect(parsed.ok).toBe(false);
    expect(JSON.stringify(parsed)).toContain(
      'locality lb failover settings must specify different regions',
    );
  });

  it('reports a webhook rejection of a rendered object as a compile error', () => {
    const vd = failover();
    vd.spec.failover = {
      mode: 'locality',
      regions: [{ from: 'us-west-1', to: 'us-west-1' }],
    };
    // compile() trusts parsed policies; the webhook check still catches what slips through.
    const result = compile([vd], demoFleet());
    expect(result.ok).toBe(false);
    expect(result.errors).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(
          /^Istio's admission webhook would reject the DestinationRule bookinfo\/meshport-bookinfo-reviews-global rendered for cluster-1: locality lb failover settings must specify different regions$/,
        ),
      }),
    );
  });
});
