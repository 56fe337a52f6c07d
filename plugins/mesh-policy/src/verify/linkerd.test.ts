import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { compile } from '../compile';
import { Topology } from '../fleet/topology';
import { linkerdFleet } from '../__fixtures__/fleets';
import type { AccessPolicy, Policy } from '../schema';
import { formatVerifiedSplit } from './format';
import { traceLinkerd } from './linkerd';
import type { ClusterObject } from './types';
import { verifyPolicies } from './verifyPolicies';

const GOLDEN = path.join(__dirname, '..', '__fixtures__', 'golden', 'linkerd');
const TRAFFIC = 'trafficpolicy.shop.checkout-split';
const ACCESS = 'accesspolicy.shop.web-calls-checkout';
const identity = (sa: string, ns = 'shop') =>
  `${sa}.${ns}.serviceaccount.identity.linkerd.cluster.local`;

function yamlFiles(dir: string): unknown[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile() && e.name.endsWith('.yaml'))
    .map(e => parse(fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The golden scenario's policies and, per cluster, its rendered objects. */
function golden(): {
  policies: Policy[];
  resources: Record<string, ClusterObject[]>;
} {
  const resources: Record<string, ClusterObject[]> = {};
  for (const cluster of fs.readdirSync(path.join(GOLDEN, 'rendered')))
    resources[cluster] = yamlFiles(
      path.join(GOLDEN, 'rendered', cluster),
    ) as ClusterObject[];
  return {
    policies: yamlFiles(path.join(GOLDEN, 'policies')) as Policy[],
    resources,
  };
}

const byRef = (r: ReturnType<typeof verifyPolicies>, ref: string) =>
  r.verifications.find(v => v.policy === ref);

function obj(
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  policy?: string,
): ClusterObject {
  return {
    apiVersion:
      kind === 'Server' || kind === 'HTTPRoute'
        ? 'policy.linkerd.io/v1beta3'
        : 'policy.linkerd.io/v1alpha1',
    kind,
    metadata: {
      name,
      namespace: 'shop',
      ...(policy ? { annotations: { 'meshport.dev/policies': policy } } : {}),
    },
    spec,
  } as ClusterObject;
}

/** A Server on checkout:9080 with one AuthorizationPolicy requiring a MeshTLSAuthentication. */
function grant(identities: string[], policy = ACCESS): ClusterObject[] {
  return [
    obj(
      'Server',
      'meshport-checkout-9080',
      { podSelector: { matchLabels: { app: 'checkout' } }, port: 9080 },
      policy,
    ),
    obj(
      'AuthorizationPolicy',
      'meshport-grant',
      {
        targetRef: {
          group: 'policy.linkerd.io',
          kind: 'Server',
          name: 'meshport-checkout-9080',
        },
        requiredAuthenticationRefs: [
          {
            group: 'policy.linkerd.io',
            kind: 'MeshTLSAuthentication',
            name: 'meshport-grant',
          },
        ],
      },
      policy,
    ),
    obj('MeshTLSAuthentication', 'meshport-grant', { identities }, policy),
  ];
}

function access(
  cluster: string,
  serviceAccount: string,
  namespace = 'shop',
): AccessPolicy {
  return {
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'AccessPolicy',
    metadata: { name: 'web-calls-checkout', namespace: 'shop' },
    spec: {
      destination: { service: 'checkout', namespace: 'shop' },
      sources: [{ cluster, namespace, serviceAccount }],
    },
  };
}

describe('verifier, Linkerd legs: the golden Linkerd scenario', () => {
  it('verifies the 80/20 split from east (local + pod-to-pod mirror) and the grant on both clusters', () => {
    const { policies, resources } = golden();
    const r = verifyPolicies(policies, new Topology(linkerdFleet()), resources);
    expect(r.errors).toEqual([]);
    expect(byRef(r, TRAFFIC)?.status).toBe('verified');
    expect(byRef(r, ACCESS)?.status).toBe('verified');
    expect(formatVerifiedSplit(byRef(r, TRAFFIC)!.traces)).toEqual([
      'east: 80 % v1@east (local) · 20 % v1@west (linkerd-pod-to-pod)',
    ]);
  });

  it('shows the mirror leg through the gateway when the Link is in gateway mode', () => {
    const { policies, resources } = golden();
    const traffic = policies.filter(p => p.kind === 'TrafficPolicy');
    const r = verifyPolicies(
      traffic,
      new Topology(linkerdFleet('gateway')),
      resources,
    );
    expect(r.errors).toEqual([]);
    expect(formatVerifiedSplit(byRef(r, TRAFFIC)!.traces)).toEqual([
      'east: 80 % v1@east (local) · 20 % v1@west (linkerd-gateway)',
    ]);
  });

  it('is what every compile reports: verified, no longer not-modelled', () => {
    const { policies } = golden();
    const result = compile(policies, linkerdFleet());
    expect(result.errors).toEqual([]);
    expect(result.verification.map(v => [v.policy, v.status]).sort()).toEqual([
      [ACCESS, 'verified'],
      [TRAFFIC, 'verified'],
    ]);
  });
});

describe('verifier, Linkerd legs: traffic failures', () => {
  it('refuses a backend whose mirror the client does not hold', () => {
    const { policies, resources } = golden();
    const fleet: Fleet = linkerdFleet();
    fleet.services[0].instances[1] = {
      ...fleet.services[0].instances[1],
      mirroredIn: [],
    };
    const r = verifyPolicies(
      policies.filter(p => p.kind === 'TrafficPolicy'),
      new Topology(fleet),
      resources,
    );
    expect(byRef(r, TRAFFIC)?.status).toBe('refused');
    expect(r.errors.map(e => e.message).join('\n')).toMatch(
      /leg 20 % .*east has no Service checkout-west in shop \(no Linkerd mirror: the Link did not export it\): the backend is unresolved and its requests fail with 500/,
    );
  });

  it('refuses a split when a more specific hand-written route takes the request', () => {
    const { policies, resources } = golden();
    const other = obj('HTTPRoute', 'hand-written', {
      parentRefs: [{ group: '', kind: 'Service', name: 'checkout' }],
      rules: [
        {
          matches: [{ path: { type: 'Exact', value: '/' } }],
          backendRefs: [{ name: 'checkout', port: 9080 }],
        },
      ],
    });
    const r = verifyPolicies(
      policies.filter(p => p.kind === 'TrafficPolicy'),
      new Topology(linkerdFleet()),
      { ...resources, east: [...resources.east, other] },
    );
    expect(byRef(r, TRAFFIC)?.status).toBe('refused');
    expect(r.errors[0].message).toMatch(
      /Linkerd applies HTTPRoute shop\/hand-written, not this policy's/,
    );
  });

  it('refuses a rule whose request timeout is not the one asked for', () => {
    const { policies, resources } = golden();
    const east = resources.east.map(o =>
      o.kind === 'HTTPRoute'
        ? {
            ...o,
            spec: {
              ...o.spec,
              rules: (o.spec!.rules as object[]).map(r => ({
                ...r,
                timeouts: undefined,
              })),
            },
          }
        : o,
    );
    const r = verifyPolicies(
      policies.filter(p => p.kind === 'TrafficPolicy'),
      new Topology(linkerdFleet()),
      { ...resources, east },
    );
    expect(r.errors).toMatchObject([
      {
        path: 'spec.timeout',
        message:
          'verification: from east to checkout.shop:9080/: the rule Linkerd applies has request timeout none, 3s was asked for',
      },
    ]);
  });

  it('ignores a route on another port of the Service (parentRef port)', () => {
    const { policies, resources } = golden();
    const other = obj('HTTPRoute', 'hand-written', {
      parentRefs: [
        { group: '', kind: 'Service', name: 'checkout', port: 9090 },
      ],
      rules: [
        {
          matches: [{ path: { type: 'Exact', value: '/' } }],
          backendRefs: [{ name: 'checkout', port: 9090 }],
        },
      ],
    });
    const r = verifyPolicies(
      policies.filter(p => p.kind === 'TrafficPolicy'),
      new Topology(linkerdFleet()),
      { ...resources, east: [...resources.east, other] },
    );
    expect(r.errors).toEqual([]);
  });

  it("ignores a consumer route in a caller's namespace: it applies to that namespace's callers only", () => {
    const { policies, resources } = golden();
    const other = {
      ...obj('HTTPRoute', 'consumer', {
        parentRefs: [
          {
            group: '',
            kind: 'Service',
            name: 'checkout',
            namespace: 'shop',
            port: 9080,
          },
        ],
        rules: [{ backendRefs: [{ name: 'checkout', port: 9080 }] }],
      }),
    };
    other.metadata = { ...other.metadata, namespace: 'web' };
    const r = verifyPolicies(
      policies.filter(p => p.kind === 'TrafficPolicy'),
      new Topology(linkerdFleet()),
      { ...resources, east: [other, ...resources.east] },
    );
    expect(r.errors).toEqual([]);
  });

  it('ranks rules the Gateway API way: exact path, then longest prefix, then method, then headers', () => {
    const route = obj('HTTPRoute', 'r', {
      parentRefs: [
        { group: '', kind: 'Service', name: 'checkout', port: 9080 },
      ],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/a' } }] },
        {
          matches: [{ path: { type: 'PathPrefix', value: '/a/b' } }],
          backendRefs: [{ name: 'checkout-west', port: 9080 }],
        },
        {
          matches: [
            {
              path: { type: 'PathPrefix', value: '/a/b' },
              headers: [{ type: 'Exact', name: 'x-user', value: 'tester' }],
            },
          ],
        },
        { matches: [{ path: { type: 'Exact', value: '/a/b/c' } }] },
      ],
    });
    const topo = new Topology(linkerdFleet());
    const at = (p: string, headers: Record<string, string> = {}) =>
      traceLinkerd(topo, [route], {
        client: 'east',
        namespace: 'shop',
        service: 'checkout',
        parent: 'checkout',
        port: 9080,
        path: p,
        method: 'GET',
        headers,
      }).trace.route?.index;
    expect(at('/a/b/c')).toBe(3);
    expect(at('/a/b/d')).toBe(1);
    expect(at('/a/b/d', { 'x-user': 'tester' })).toBe(2);
    expect(at('/a/bc')).toBe(0); // a prefix matches whole path segments
    expect(at('/z')).toBeUndefined();
  });
});

describe('verifier, Linkerd legs: access', () => {
  it('refuses a grant naming a remote caller across a gateway Link: the callee sees the gateway', () => {
    const fleet = linkerdFleet('gateway');
    fleet.services.push({
      ...fleet.services[1],
      id: 'shop/web',
      instances: [{ ...fleet.services[1].instances[0], cluster: 'west' }],
    });
    const policy = access('east', 'bookinfo-web');
    const resources = { west: grant([identity('bookinfo-web')]) };
    const r = verifyPolicies([policy], new Topology(fleet), resources);
    expect(byRef(r, ACCESS)?.status).toBe('refused');
    expect(r.errors[0].message).toBe(
      `verification: east/shop/bookinfo-web → checkout.shop:9080 on west: Server meshport-checkout-9080 denies it: the serving proxy sees ${identity(
        'linkerd-gateway',
        'linkerd-multicluster',
      )} (the multicluster gateway's identity: east reaches west through a gateway Link), which no AuthorizationPolicy on the Server admits`,
    );
    // Pod to pod, the same objects admit the caller.
    const flat = verifyPolicies(
      [policy],
      new Topology(linkerdFleet('flat')),
      resources,
    );
    expect(flat.errors).toEqual([]);
    expect(byRef(flat, ACCESS)?.status).toBe('verified');
  });

  it('refuses a grant that also admits callers it does not name', () => {
    const r = verifyPolicies(
      [access('east', 'bookinfo-web')],
      new Topology(linkerdFleet()),
      { east: grant(['*']) },
    );
    expect(byRef(r, ACCESS)?.status).toBe('refused');
    expect(r.errors[0].message).toMatch(
      /Server meshport-checkout-9080 also admits meshport-not-granted\.shop\.serviceaccount\.identity\.linkerd\.cluster\.local, which the policy does not name/,
    );
  });

  it('denies a named caller a Server with no authorization does not admit (Linkerd: a Server denies by default)', () => {
    const objects = grant([identity('bookinfo-web')]).filter(
      o => o.kind === 'Server',
    );
    const withPolicyRef = [
      ...objects,
      // The grant's AuthorizationPolicy targets another Server: nothing authorizes this one.
      {
        ...grant([identity('bookinfo-web')])[1],
        spec: {
          targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'x' },
          requiredAuthenticationRefs: [],
        },
      },
    ];
    const r = verifyPolicies(
      [access('east', 'bookinfo-web')],
      new Topology(linkerdFleet()),
      { east: withPolicyRef },
    );
    expect(byRef(r, ACCESS)?.status).toBe('refused');
    expect(r.errors[0].message).toMatch(
      /east\/shop\/bookinfo-web → checkout\.shop:9080 on east: Server meshport-checkout-9080 denies it: the serving proxy sees bookinfo-web\.shop\.serviceaccount\.identity\.linkerd\.cluster\.local, which no AuthorizationPolicy on the Server admits/,
    );
  });

  it('accepts a whole-namespace grant as the `*.` identity prefix', () => {
    const policy = access('east', 'bookinfo-web');
    delete policy.spec.sources[0].serviceAccount;
    const r = verifyPolicies([policy], new Topology(linkerdFleet()), {
      east: grant([identity('*')]),
    });
    expect(r.errors).toEqual([]);
    expect(byRef(r, ACCESS)?.status).toBe('verified');
  });
});
