import { FakeCluster } from './FakeCluster';
import type { KubeObject } from './KubeObject';

const pod = (
  name: string,
  labels: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels },
});

describe('FakeCluster', () => {
  it('stamps every write with the next cluster-wide resourceVersion', () => {
    const cluster = new FakeCluster([pod('a'), pod('b')]);
    expect(cluster.objects.map(o => o.metadata?.resourceVersion)).toEqual([
      '1001',
      '1002',
    ]);
    cluster.upsert(pod('a', { version: 'v2' }));
    expect(cluster.resourceVersion).toBe(1003);
    expect(cluster.objects).toHaveLength(2);
    expect(cluster.objects[0].metadata?.labels).toEqual({ version: 'v2' });
  });

  it('replays the changes after a resourceVersion, deletions included', () => {
    const cluster = new FakeCluster([pod('a')]);
    const from = cluster.resourceVersion;
    cluster.upsert(pod('b'));
    cluster.upsert(pod('a', { version: 'v2' }));
    cluster.remove(pod('b'));
    cluster.remove(pod('missing'));
    expect(
      cluster
        .changesSince(from)
        .map(c => [c.type, c.object.metadata?.name, c.resourceVersion]),
    ).toEqual([
      ['ADDED', 'b', 1002],
      ['MODIFIED', 'a', 1003],
      ['DELETED', 'b', 1004],
    ]);
    expect(cluster.objects.map(o => o.metadata?.name)).toEqual(['a']);
  });

  it('refuses to resume from before a compaction, as a 410 Gone would', () => {
    const cluster = new FakeCluster([pod('a')]);
    const before = cluster.resourceVersion;
    cluster.upsert(pod('b'));
    expect(cluster.canResumeFrom(before)).toBe(true);
    cluster.compact();
    expect(cluster.canResumeFrom(before)).toBe(false);
    expect(cluster.canResumeFrom(cluster.resourceVersion)).toBe(true);
    expect(cluster.changesSince(before)).toEqual([]);
  });

  it('sends a change only to the open watches it matches, and ends them on expiry', () => {
    const cluster = new FakeCluster([]);
    const heard: string[] = [];
    const expired: string[] = [];
    for (const name of ['a', 'b']) {
      cluster.watches.add({
        matches: o => o.metadata?.name === name,
        send: c => heard.push(`${name}:${c.type}`),
        expire: () => {
          expired.push(name);
        },
        drop: () => {},
      });
    }
    cluster.upsert(pod('a'));
    cluster.expireWatches();
    expect(heard).toEqual(['a:ADDED']);
    expect(expired).toEqual(['a', 'b']);
    expect(cluster.canResumeFrom(cluster.resourceVersion - 1)).toBe(false);
  });
});
