import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main';
import { multiNetwork, seedRouting } from '../verify/__fixtures__/meshes';
import { toYaml } from '../yaml';

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-trace-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    stdout: l => out.push(l),
    stderr: l => err.push(l),
  });
  return { code, out, err };
}

describe('meshport-policy trace', () => {
  const [vs, dr] = seedRouting();
  let dir: string;
  let fleet: string;
  beforeEach(() => {
    dir = repo({
      'fleet.json': JSON.stringify(multiNetwork()),
      'rendered/cluster-1/bookinfo/virtualservice-reviews.yaml': toYaml(vs),
      'rendered/cluster-1/bookinfo/destinationrule-reviews.yaml': toYaml(dr),
    });
    fleet = path.join(dir, 'fleet.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const trace = (...extra: string[]) =>
    run(
      'trace',
      '--fleet',
      fleet,
      '--from',
      'cluster-1/bookinfo/productpage',
      '--to',
      'reviews.bookinfo:9080',
      '--path',
      '/reviews/1',
      '--repo',
      dir,
      ...extra,
    );

  it('prints the chain one leg per line and fails when a leg is reset', async () => {
    const r = await trace();
    expect(r.code).toBe(1);
    expect(r.out[0]).toBe(
      'cluster-1/bookinfo/bookinfo-productpage → reviews.bookinfo.svc.cluster.local:9080 GET /reviews/1',
    );
    expect(r.out[1]).toBe(
      'route: VirtualService bookinfo/reviews, http[0] "shift"',
    );
    expect(r.out[2]).toMatch(
      /^FAIL 75 % v3@cluster-2 \(east-west gw 198\.51\.100\.2, SNI outbound_\.9080_\.c2-v3_\.reviews\.bookinfo\.svc\.cluster\.local\) .* no filter chain/,
    );
    expect(r.out[3]).toMatch(/^ok {3}15 % v1@cluster-1 \(local\)/);
    expect(r.out[4]).toMatch(/^ok {3}10 % v2@cluster-1 \(local\)/);
  });

  it('exits 0 when every leg reaches a ready endpoint', async () => {
    fs.mkdirSync(path.join(dir, 'rendered/cluster-2/bookinfo'), {
      recursive: true,
    });
    fs.writeFileSync(
      path.join(
        dir,
        'rendered/cluster-2/bookinfo/destinationrule-reviews.yaml',
      ),
      toYaml(dr),
    );
    const r = await trace('--method', 'get', '--header', 'x-user=beta');
    expect(r.code).toBe(0);
    expect(r.out.filter(l => l.startsWith('ok '))).toHaveLength(3);
  });

  it('traces against the fleet alone without --repo, and warns about files that are not objects', async () => {
    fs.writeFileSync(
      path.join(dir, 'rendered/cluster-1/bookinfo/junk.yaml'),
      '- just\n- a list\n',
    );
    const r = await trace();
    expect(r.err).toEqual([
      'warning: rendered/cluster-1/bookinfo/junk.yaml: not a Kubernetes object (kind, metadata.name); skipped',
    ]);
    const bare = await run(
      'trace',
      '--fleet',
      fleet,
      '--from',
      'cluster-1/bookinfo/productpage',
      '--to',
      'reviews.bookinfo:9080',
    );
    expect(bare.out[1]).toBe('route: no VirtualService, the default route');
  });

  it('says what is wrong with its arguments', async () => {
    expect((await run('trace', '--fleet', fleet)).err[0]).toMatch(
      /^missing --from/,
    );
    expect(
      (await run('trace', '--fleet', fleet, '--from', 'x', '--to', 'a:1'))
        .err[0],
    ).toMatch(/must be <cluster>\/<namespace>\/<workload>/);
    const wrongTo = await run(
      'trace',
      '--fleet',
      fleet,
      '--from',
      'cluster-1/bookinfo/productpage',
      '--to',
      'reviews',
    );
    expect(wrongTo).toMatchObject({
      code: 2,
      err: [expect.stringMatching(/must be <host>:<port>/)],
    });
    const nobody = await run(
      'trace',
      '--fleet',
      fleet,
      '--from',
      'cluster-1/bookinfo/ghost',
      '--to',
      'a:1',
    );
    expect(nobody.err[0]).toBe(
      '--from: no service, workload or service account ghost in cluster-1/bookinfo',
    );
    expect((await run('trace', '--fleet', fleet, '--bogus')).err[0]).toMatch(
      /unknown option "--bogus"/,
    );
    expect(
      (
        await run(
          'trace',
          '--fleet',
          fleet,
          '--header',
          'novalue',
          '--from',
          'a/b/c',
          '--to',
          'a:1',
        )
      ).err[0],
    ).toMatch(/must be name=value/);
  });
});
