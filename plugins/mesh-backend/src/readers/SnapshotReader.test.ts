import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_FLEET_DIR } from '../__testUtils__/demoFleet';
import { ClusterReadError } from './ClusterReadError';
import { RESOURCES } from './resources';
import { SnapshotReader } from './SnapshotReader';

const signal = new AbortController().signal;
const reader = (name: string, directory = path.join(DEMO_FLEET_DIR, name)) =>
  new SnapshotReader({ type: 'snapshot', name, directory });

describe('SnapshotReader', () => {
  it('lists the demo cluster objects by group and kind', async () => {
    // 10 application pods, istiod and the two gateways
    const pods = await reader('cluster-1').list(RESOURCES.pods, { signal });
    expect(pods).toHaveLength(13);
    const drs = await reader('cluster-1').list(RESOURCES.destinationRules, {
      signal,
    });
    expect(drs?.map(d => d.metadata?.name)).toEqual([
      'users',
      'meshport-bookinfo-reviews-global',
      'meshport-reviews',
      'ratings',
    ]);
    const pas = await reader('cluster-1').list(RESOURCES.peerAuthentications, {
      signal,
    });
    expect(
      pas?.map(p => [
        `${p.metadata?.namespace}/${p.metadata?.name}`,
        (p.spec as { mtls?: { mode?: string } }).mtls?.mode,
      ]),
    ).toEqual([
      ['accounts/default', 'STRICT'],
      ['bookinfo/productpage-legacy-probe', 'UNSET'],
      ['istio-system/default', 'STRICT'],
    ]);
  });

  it('holds reviews v1 and v2 in cluster-1 and v1, v2 and v3 in cluster-2', async () => {
    const versions = async (cluster: string) =>
      (
        await reader(cluster).list(RESOURCES.pods, {
          signal,
          namespace: 'bookinfo',
          labelSelector: 'app=reviews',
        })
      )?.map(p => p.metadata?.labels?.version);
    expect(await versions('cluster-1')).toEqual(['v1', 'v2']);
    expect(await versions('cluster-2')).toEqual(['v1', 'v2', 'v3', 'v3']);
    expect(await versions('cluster-3')).toEqual([]);
  });

  it('gives cluster-3 its own mesh, trust domain, root and network, and no remote secrets', async () => {
    const meshConfig = async (cluster: string) => {
      const [istio] =
        (await reader(cluster).list(RESOURCES.configMaps, {
          signal,
          namespace: 'istio-system',
          fieldSelector: 'metadata.name=istio',
        })) ?? [];
      return (istio as { data?: Record<string, string> }).data?.mesh ?? '';
    };
    expect(await meshConfig('cluster-1')).toContain(
      'trustDomain: cluster.local',
    );
    expect(await meshConfig('cluster-1')).toContain('meshId: mesh1');
    expect(await meshConfig('cluster-3')).toContain(
      'trustDomain: mesh2.meshport.dev',
    );
    expect(await meshConfig('cluster-3')).toContain('meshId: mesh2');

    const rootBundle = async (cluster: string) => {
      const [cm] =
        (await reader(cluster).list(RESOURCES.configMaps, {
          signal,
          namespace: 'istio-system',
          fieldSelector: 'metadata.name=istio-ca-root-cert',
        })) ?? [];
      const pem = (cm as { data?: Record<string, string> }).data?.[
        'root-cert.pem'
      ];
      return (pem?.match(/-----BEGIN CERTIFICATE-----[^-]+/g) ?? []).map(
        block => new X509Certificate(`${block}-----END CERTIFICATE-----`),
      );
    };
    // each mesh's own root first, then the other mesh's root it trusts
    const [mesh1Root, mesh1Trusts] = await rootBundle('cluster-1');
    const [mesh2Root, mesh2Trusts] = await rootBundle('cluster-3');
    expect(mesh1Root.subject).toBe('O=Meshport Demo\nCN=Root CA');
    expect(mesh2Root.subject).toBe('O=Meshport Demo\nOU=mesh2\nCN=Root CA');
    expect(mesh2Root.fingerprint256).not.toBe(mesh1Root.fingerprint256);
    expect(mesh1Trusts.fingerprint256).toBe(mesh2Root.fingerprint256);
    expect(mesh2Trusts.fingerprint256).toBe(mesh1Root.fingerprint256);
    expect((await rootBundle('cluster-2'))[0].fingerprint256).toBe(
      mesh1Root.fingerprint256,
    );

    expect(
      await reader('cluster-3').list(RESOURCES.secrets, {
        signal,
        labelSelector: 'istio/multiCluster=true',
      }),
    ).toEqual([]);
    const namespaces = await reader('cluster-3').list(RESOURCES.namespaces, {
      signal,
      fieldSelector: 'metadata.name=istio-system',
    });
    expect(
      namespaces?.[0].metadata?.labels?.['topology.istio.io/network'],
    ).toBe('network-3');
    const gateways = await reader('cluster-3').list(RESOURCES.services, {
      signal,
      labelSelector: 'istio=eastwestgateway',
    });
    expect(
      gateways?.map(g => [
        g.metadata?.labels?.['topology.istio.io/network'],
        (g.status as { loadBalancer?: { ingress?: Array<{ ip?: string }> } })
          ?.loadBalancer?.ingress?.[0]?.ip,
      ]),
    ).toEqual([['network-3', '34.77.120.9']]);
  });

  it('meshes orders in ambient mode (PERMISSIVE) and accounts with sidecars (STRICT)', async () => {
    const ns = await reader('cluster-2').list(RESOURCES.namespaces, {
      signal,
      labelSelector: 'istio.io/dataplane-mode=ambient',
    });
    expect(ns?.map(n => n.metadata?.name)).toEqual(['orders']);
    const ztunnels = await reader('cluster-2').list(RESOURCES.pods, {
      signal,
      namespace: 'istio-system',
      labelSelector: 'app=ztunnel',
    });
    expect(ztunnels).toHaveLength(2);
    const mode = async (cluster: string, namespace: string) =>
      (
        (
          await reader(cluster).list(RESOURCES.peerAuthentications, {
            signal,
            namespace,
            fieldSelector: 'metadata.name=default',
          })
        )?.[0]?.spec as { mtls?: { mode?: string } } | undefined
      )?.mtls?.mode;
    expect(await mode('cluster-1', 'accounts')).toBe('STRICT');
    expect(await mode('cluster-3', 'accounts')).toBe('STRICT');
    expect(await mode('cluster-2', 'orders')).toBe('PERMISSIVE');
    expect(await mode('cluster-3', 'orders')).toBe('PERMISSIVE');
  });

  it('honours namespace, label and name selectors', async () => {
    const r = reader('cluster-1');
    const istio = await r.list(RESOURCES.configMaps, {
      signal,
      namespace: 'istio-system',
      fieldSelector: 'metadata.name=istio',
    });
    expect(istio?.map(c => c.metadata?.name)).toEqual(['istio']);
    const reviews = await r.list(RESOURCES.pods, {
      signal,
      labelSelector: 'app=reviews,version!=v1',
    });
    expect(reviews?.map(p => p.metadata?.labels?.version)).toEqual(['v2']);
  });

  it('returns remote secrets without their data', async () => {
    const secrets = await reader('cluster-1').list(RESOURCES.secrets, {
      signal,
      labelSelector: 'istio/multiCluster=true',
    });
    expect(secrets).toHaveLength(1);
    expect(secrets?.[0].metadata?.annotations).toEqual({
      'networking.istio.io/cluster': 'cluster-2',
    });
    expect(JSON.stringify(secrets)).not.toContain('"data"');
  });

  it('reports a custom resource nobody installed as not installed', async () => {
    // cluster-4 runs Linkerd: no Istio resources at all
    expect(
      await reader('cluster-4').list(RESOURCES.virtualServices, { signal }),
    ).toBeUndefined();
    expect(
      await reader('cluster-4').list(RESOURCES.statefulSets, { signal }),
    ).toEqual([]);
  });

  it('reads YAML multi-documents and refuses broken files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-snapshot-'));
    fs.writeFileSync(
      path.join(dir, 'ns.yaml'),
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n',
    );
    expect(
      (await reader('x', dir).list(RESOURCES.namespaces, { signal }))?.map(
        n => n.metadata?.name,
      ),
    ).toEqual(['a', 'b']);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"items": [');
    await expect(
      reader('x', dir).list(RESOURCES.namespaces, { signal }),
    ).rejects.toMatchObject({
      reason: 'malformed-response',
    });
    await expect(
      reader('x', path.join(dir, 'missing')).list(RESOURCES.namespaces, {
        signal,
      }),
    ).rejects.toBeInstanceOf(ClusterReadError);
    fs.rmSync(dir, { recursive: true });
  });

  it('reads a JSON List item by item as JSON.parse of the whole file reads it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-snapshot-'));
    const service = (name: string, extra: object = {}) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'a' },
      ...extra,
    });
    const read = async (text: string) => {
      fs.writeFileSync(path.join(dir, 'services.json'), text);
      return (await reader('x', dir).list(RESOURCES.services, { signal }))?.map(
        s => s.metadata?.name,
      );
    };
    // brackets and escaped quotes inside strings, multi-byte text, a nested List, keys after items
    const tricky = {
      kind: 'List',
      items: [
        service('one', { note: 'a "}]" \\"[{', label: 'zürich ✓' }),
        { kind: 'List', items: [service('two'), service('three')] },
        service('four'),
      ],
      metadata: { note: '{"items": [}' },
    };
    for (const text of [
      JSON.stringify(tricky),
      `${JSON.stringify(tricky, null, 4)}\n`,
    ])
      expect(await read(text)).toEqual(['one', 'two', 'three', 'four']);
    // `items` named twice: the last wins, as with JSON.parse
    expect(
      await read(
        '{"items": [{"apiVersion":"v1","kind":"Service","metadata":{"name":"old"}}], "items": [{"apiVersion":"v1","kind":"Service","metadata":{"name":"new"}}]}',
      ),
    ).toEqual(['new']);
    // a top-level array, and a List of scalars, are not Lists of objects
    expect(await read(JSON.stringify(['items', [service('x')]]))).toEqual([]);
    expect(
      await read(
        '{"items": [1, "two", {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"}}]}',
      ),
    ).toEqual(['s']);
    // malformed between items, in an item, or after the List: refused like JSON.parse refuses it
    for (const broken of [
      '{"items": [{"kind":"Service"} {"kind":"Service"}]}',
      '{"items": [{"kind":"Service"}, {"kind":Service}]}',
      '{"items": [{"kind":"Service"}]} x',
      '{"items": [{"kind":"Service"}],}',
    ]) {
      fs.writeFileSync(path.join(dir, 'services.json'), broken);
      await expect(
        reader('x', dir).list(RESOURCES.services, { signal }),
      ).rejects.toMatchObject({ reason: 'malformed-response' });
    }
    fs.rmSync(dir, { recursive: true });
  });

  it('serves malformed objects like an API server would, leaving them to the projection', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-snapshot-'));
    fs.writeFileSync(
      path.join(dir, 'odd.json'),
      JSON.stringify({
        items: [
          { apiVersion: 7, kind: 'Service', metadata: { name: 'a' } },
          { apiVersion: 'v1', kind: 'Service', metadata: 'b' },
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'c', namespace: 'x' },
          },
        ],
      }),
    );
    expect(await reader('x', dir).list(RESOURCES.services, { signal })).toEqual(
      [
        { apiVersion: 'v1', kind: 'Service', metadata: 'b' },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'c', namespace: 'x' },
        },
      ],
    );
    fs.rmSync(dir, { recursive: true });
  });

  it('serves a round of lists from one read, later kinds from it, a kind asked again from disk', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-snapshot-'));
    const write = (names: string[]) =>
      fs.writeFileSync(
        path.join(dir, 'all.json'),
        JSON.stringify({
          items: [
            ...names.map(name => ({
              apiVersion: 'v1',
              kind: 'Service',
              metadata: { name, namespace: 'a' },
            })),
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'istio', namespace: 'istio-system' },
            },
          ],
        }),
      );
    write(['one']);
    const r = reader('x', dir);
    const names = (
      list: Promise<Array<{ metadata?: { name?: string } }> | undefined>,
    ) => list.then(items => items?.map(i => i.metadata?.name));
    // asked together, as discovery asks a round: one pass, each mapped as it is read
    const [services, pods] = await Promise.all([
      names(r.list(RESOURCES.services, { signal })),
      names(r.list(RESOURCES.pods, { signal })),
    ]);
    expect(services).toEqual(['one']);
    expect(pods).toEqual([]);
    write(['one', 'two']);
    // a kind the first round did not ask for is served from what that round read
    expect(
      await names(
        r.list(RESOURCES.configMaps, { signal, namespace: 'istio-system' }),
      ),
    ).toEqual(['istio']);
    // a kind asked for again is read again, so it is never half of an old read
    expect(await names(r.list(RESOURCES.services, { signal }))).toEqual([
      'one',
      'two',
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  it('fails every list of a round on a broken file, and stops when the sync is cancelled', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-snapshot-'));
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'items: [\n');
    const r = reader('x', dir);
    const round = [
      r.list(RESOURCES.services, { signal }),
      r.list(RESOURCES.pods, { signal }),
    ];
    for (const list of round)
      await expect(list).rejects.toThrow(
        /snapshot file .*broken\.yaml is not a valid Kubernetes List/,
      );
    fs.rmSync(path.join(dir, 'broken.yaml'));
    const cancelled = new AbortController();
    cancelled.abort(new Error('discovery timed out'));
    await expect(
      reader('x', dir).list(RESOURCES.services, { signal: cancelled.signal }),
    ).rejects.toThrow('discovery timed out');
    fs.rmSync(dir, { recursive: true });
  });
});
