import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main';
import { multiPrimaryFleet } from '../__fixtures__/fleets';
import { seedPolicy } from '../__fixtures__/policies';
import { toYaml } from '../yaml';

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-policy-'));
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

describe('meshport-policy CLI', () => {
  let dir: string;
  let fleet: string;
  beforeEach(() => {
    dir = repo({
      'policies/bookinfo/trafficpolicy-reviews-shift.yaml': toYaml(
        seedPolicy(),
      ),
      'fleet.json': JSON.stringify(multiPrimaryFleet()),
      'rendered/cluster-9/old/virtualservice-stale.yaml': 'stale: true\n',
    });
    fleet = path.join(dir, 'fleet.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('validates, renders, and checks that rendered/ is current', async () => {
    expect(await run('validate', dir, '--fleet', fleet)).toMatchObject({
      code: 0,
      err: [],
    });
    expect((await run('render', dir, '--fleet', fleet, '--check')).code).toBe(
      1,
    );
    expect(await run('render', dir, '--fleet', fleet)).toMatchObject({
      code: 0,
      out: ['rendered 2 objects from 1 policies'],
    });
    expect(fs.existsSync(path.join(dir, 'rendered/cluster-9'))).toBe(false);
    const vs = path.join(
      dir,
      'rendered/cluster-1/bookinfo/virtualservice-meshport-reviews.yaml',
    );
    const first = fs.readFileSync(vs, 'utf8');
    expect(await run('render', dir, '--fleet', fleet, '--check')).toMatchObject(
      { code: 0 },
    );
    await run('render', dir, '--fleet', fleet);
    expect(fs.readFileSync(vs, 'utf8')).toBe(first);
  });

  it('prints file:path: message and fails on an invalid policy', async () => {
    const bad = seedPolicy();
    bad.spec.route![0].weight = 65;
    fs.writeFileSync(
      path.join(dir, 'policies/bookinfo/trafficpolicy-reviews-shift.yaml'),
      toYaml(bad),
    );
    const r = await run('validate', dir, '--fleet', fleet);
    expect(r.code).toBe(1);
    expect(r.err[0]).toBe(
      'policies/bookinfo/trafficpolicy-reviews-shift.yaml:spec.route: weights add up to 90, they must add up to 100',
    );
  });

  it('reports fleet errors against the policy file', async () => {
    const p = seedPolicy();
    p.spec.route![0].cluster = 'cluster-9';
    fs.writeFileSync(
      path.join(dir, 'policies/bookinfo/trafficpolicy-reviews-shift.yaml'),
      toYaml(p),
    );
    const r = await run('render', dir, '--fleet', fleet);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(
      /^policies\/bookinfo\/trafficpolicy-reviews-shift.yaml:spec.route.0.cluster: unknown cluster "cluster-9"/,
    );
  });

  it('refuses a misplaced file and bad arguments', async () => {
    fs.renameSync(
      path.join(dir, 'policies/bookinfo/trafficpolicy-reviews-shift.yaml'),
      path.join(dir, 'policies/bookinfo/reviews.yaml'),
    );
    expect((await run('validate', dir, '--fleet', fleet)).err[0]).toMatch(
      /must live at policies\/bookinfo\/trafficpolicy-reviews-shift.yaml/,
    );
    expect((await run('render', dir)).code).toBe(2);
    expect(
      (await run('validate', dir, '--fleet', path.join(dir, 'nope.json')))
        .err[0],
    ).toMatch(/cannot read the fleet export/);
  });
});
