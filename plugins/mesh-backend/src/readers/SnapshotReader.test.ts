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
    const pods = await reader('cluster-1').list(RESOURCES.pods, { signal });
    expect(pods).toHaveLength(9);
    const drs = await reader('cluster-1').list(RESOURCES.destinationRules, {
      signal,
    });
    expect(drs?.map(d => d.metadata?.name)).toEqual(['reviews']);
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
    expect(
      await reader('cluster-3').list(RESOURCES.virtualServices, { signal }),
    ).toBeUndefined();
    expect(
      await reader('cluster-3').list(RESOURCES.statefulSets, { signal }),
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
});
