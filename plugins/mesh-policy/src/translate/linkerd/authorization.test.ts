import fs from 'node:fs';
import path from 'node:path';
import {
  type ConfigRef,
  type Fleet,
  parseFleet,
} from '@meshport/backstage-plugin-mesh-common';
import { compile } from '../../compile';
import { createCompileMemo } from '../../compileMemo';
import { renderRepository } from '../../render';
import { linkerdFleet } from '../../__fixtures__/fleets';
import type { AccessPolicy } from '../../schema';

function grant(
  sources: AccessPolicy['spec']['sources'],
  destination: AccessPolicy['spec']['destination'] = {
    service: 'checkout',
    namespace: 'shop',
  },
  name = 'web-calls-checkout',
): AccessPolicy {
  return {
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'AccessPolicy',
    metadata: { name, namespace: destination.namespace },
    spec: { sources, destination },
  };
}

const webInEast = {
  cluster: 'east',
  namespace: 'shop',
  serviceAccount: 'bookinfo-web',
};

const objects = (r: ReturnType<typeof compile>, cluster: string) =>
  (r.resources[cluster] ?? []).map(
    o => `${o.apiVersion} ${o.kind} ${o.metadata.name}`,
  );

/** examples/policy-repo/fleet.json: what discovery makes of the demo fleet. */
function demoFleet(): Fleet {
  const file = path.resolve(
    __dirname,
    '../../../../../examples/policy-repo/fleet.json',
  );
  const parsed = parseFleet(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.fleet;
}

function withServer(fleet: Fleet, cluster: string, server: Partial<ConfigRef>) {
  const instance = fleet.services
    .find(s => s.id === 'shop/checkout')!
    .instances.find(i => i.cluster === cluster)!;
  instance.config.push({
    apiVersion: 'policy.linkerd.io/v1beta1',
    kind: 'Server',
    namespace: 'shop',
    name: 'checkout-http',
    ...server,
  });
  return fleet;
}

describe('Linkerd access grants by service account (issue 17, item 6)', () => {
  it('checks a Linkerd caller against its proxy identity, not a SPIFFE ID', () => {
    const result = compile([grant([webInEast])], linkerdFleet());
    expect(result.errors).toEqual([]);
    const auth = result.resources.east.find(
      o => o.kind === 'MeshTLSAuthentication',
    )!;
    expect(auth.spec.identities).toEqual([
      'bookinfo-web.shop.serviceaccount.identity.linkerd.cluster.local',
    ]);
  });

  it('still refuses a service account no Linkerd workload runs as, naming the Linkerd identity', () => {
    const result = compile(
      [grant([{ ...webInEast, serviceAccount: 'nobody' }])],
      linkerdFleet(),
    );
    expect(result.errors.map(e => e.message)).toEqual([
      expect.stringMatching(
        /^unknown identity nobody\.shop\.serviceaccount\.identity\.linkerd\.cluster\.local: no workload in east runs as service account nobody/,
      ),
    ]);
  });

  it('does not refuse the demo grant accounts/ledger → users on cluster-4 as an unknown identity', () => {
    const result = compile(
      [
        grant(
          [
            {
              cluster: 'cluster-4',
              namespace: 'accounts',
              serviceAccount: 'ledger',
            },
          ],
          { service: 'users', namespace: 'accounts' },
          'ledger-calls-users',
        ),
      ],
      demoFleet(),
    );
    expect(result.errors).toEqual([]);
    // users already has a hand-written Server on its pod port there (see below)
    expect(result.conflicts).toEqual([
      expect.objectContaining({
        kind: 'existing-config',
        existing: 'Server accounts/users-http',
        clusters: ['cluster-4'],
      }),
    ]);
  });
});

describe('Linkerd API versions per serving cluster (issue 17, item 7)', () => {
  it('emits Server v1beta1 on stable-2.14.10 and v1beta3 on 2.16', () => {
    const result = compile([grant([webInEast])], linkerdFleet());
    expect(objects(result, 'west')).toContain(
      'policy.linkerd.io/v1beta1 Server meshport-checkout-9080',
    );
    expect(objects(result, 'east')).toContain(
      'policy.linkerd.io/v1beta3 Server meshport-checkout-9080',
    );
  });

  it('falls back to Server v1beta1 with a warning when the version is unknown', () => {
    const fleet = linkerdFleet();
    fleet.clusters[0].controlPlanes[0].version = undefined;
    const result = compile([grant([webInEast])], fleet);
    expect(objects(result, 'east')).toContain(
      'policy.linkerd.io/v1beta1 Server meshport-checkout-9080',
    );
    expect(result.warnings.map(w => w.message)).toContainEqual(
      expect.stringMatching(
        /^east: Linkerd version \(not discovered\) is not one Meshport knows/,
      ),
    );
  });
});

describe('Linkerd multicluster mode for grants (issue 17, item 8)', () => {
  it('refuses a cross-cluster grant through a gateway, which hides the caller', () => {
    const result = compile([grant([webInEast])], linkerdFleet('gateway'));
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: 'spec.sources.0.cluster',
        message: expect.stringMatching(
          /^east reaches west through a Linkerd multicluster gateway, so west sees the gateway's identity, not the caller's/,
        ),
      }),
    ]);
  });

  it('reads a Link without a mode as a gateway, the default of linkerd multicluster link', () => {
    const fleet = linkerdFleet();
    fleet.links = fleet.links.map(({ linkerdMode: _m, ...l }) => l);
    expect(compile([grant([webInEast])], fleet).errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^east reaches west through a Linkerd multicluster gateway/,
        ),
      }),
    ]);
  });

  it('grants the remote caller pod to pod, where its identity reaches the callee', () => {
    const result = compile([grant([webInEast])], linkerdFleet('flat'));
    expect(result.errors).toEqual([]);
    const auth = result.resources.west.find(
      o => o.kind === 'MeshTLSAuthentication',
    )!;
    expect(auth.spec.identities).toEqual([
      'bookinfo-web.shop.serviceaccount.identity.linkerd.cluster.local',
    ]);
  });
});

describe('a new Server against a hand-written one (issue 17, item 8)', () => {
  it('reports a hand-written Server on the same pod port as a conflict and renders no Server there', () => {
    const result = compile(
      [grant([webInEast])],
      withServer(linkerdFleet(), 'west', { port: 9080 }),
    );
    expect(result.ok).toBe(false);
    expect(result.conflicts).toEqual([
      {
        kind: 'existing-config',
        policies: ['accesspolicy.shop.web-calls-checkout'],
        existing: 'Server shop/checkout-http',
        clusters: ['west'],
        message: expect.stringMatching(
          /^hand-written Server shop\/checkout-http in west selects the pods of checkout.shop and it already covers port 9080 of the same pods: Linkerd applies one Server per pod port/,
        ),
      },
    ]);
    expect(objects(result, 'west')).toEqual([]);
    expect(objects(result, 'east')).toContain(
      'policy.linkerd.io/v1beta3 Server meshport-checkout-9080',
    );
  });

  it('counts a Server whose port is unknown, or named, as a possible collision', () => {
    for (const port of [undefined, 'http']) {
      const result = compile(
        [grant([webInEast])],
        withServer(linkerdFleet(), 'west', { port }),
      );
      expect(result.conflicts.map(c => c.existing)).toEqual([
        'Server shop/checkout-http',
      ]);
    }
  });

  it('leaves alone a Server on another port, and our own Servers', () => {
    for (const server of [
      { port: 9090 },
      { port: 9080, meshportPolicy: 'accesspolicy.shop.older' },
    ]) {
      const result = compile(
        [grant([webInEast])],
        withServer(linkerdFleet(), 'west', server),
      );
      expect(result.conflicts).toEqual([]);
      expect(result.ok).toBe(true);
    }
  });

  it('gives the same conflicts through a memo as without one', () => {
    const fleet = withServer(linkerdFleet(), 'west', { port: 9080 });
    const policies = [
      grant([webInEast]),
      grant([webInEast], undefined, 'web-calls-checkout-again'),
    ];
    const full = renderRepository(policies, fleet);
    expect(full.conflicts).toHaveLength(2);
    const memo = createCompileMemo();
    renderRepository(policies.slice(0, 1), fleet, { memo });
    expect(renderRepository(policies, fleet, { memo })).toEqual(full);
    expect(renderRepository([...policies].reverse(), fleet, { memo })).toEqual(
      full,
    );
  });
});
