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
      'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml': toYaml(
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
      'rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml',
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
      path.join(
        dir,
        'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
      ),
      toYaml(bad),
    );
    const r = await run('validate', dir, '--fleet', fleet);
    expect(r.code).toBe(1);
    expect(r.err[0]).toBe(
      'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml:spec.route: weights add up to 90, they must add up to 100',
    );
  });

  it('reports fleet errors against the policy file', async () => {
    const p = seedPolicy();
    p.spec.route![0].cluster = 'cluster-9';
    fs.writeFileSync(
      path.join(
        dir,
        'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
      ),
      toYaml(p),
    );
    const r = await run('render', dir, '--fleet', fleet);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(
      /^policies\/bookinfo\/reviews\/trafficpolicy-reviews-shift.yaml:spec.route.0.cluster: unknown cluster "cluster-9"/,
    );
  });

  it('refuses a misplaced file and bad arguments', async () => {
    fs.renameSync(
      path.join(
        dir,
        'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
      ),
      path.join(dir, 'policies/bookinfo/reviews/reviews.yaml'),
    );
    expect((await run('validate', dir, '--fleet', fleet)).err[0]).toMatch(
      /must live at policies\/bookinfo\/reviews\/trafficpolicy-reviews-shift.yaml/,
    );
    expect((await run('render', dir)).code).toBe(2);
    expect(
      (await run('validate', dir, '--fleet', path.join(dir, 'nope.json')))
        .err[0],
    ).toMatch(/cannot read the fleet export/);
  });
});

describe('meshport-policy on a repository of the layout before service folders', () => {
  const OLD_POLICY = 'policies/bookinfo/trafficpolicy-reviews-shift.yaml';
  const NEW_POLICY =
    'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml';
  let dir: string;
  let fleet: string;
  beforeEach(() => {
    dir = repo({
      [OLD_POLICY]: toYaml(seedPolicy()),
      'fleet.json': JSON.stringify(multiPrimaryFleet()),
    });
    fleet = path.join(dir, 'fleet.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['validate', 'render', 'check'])(
    '%s names each policy to move and the commands that move it, and writes nothing',
    async command => {
      const r = await run(command, dir, '--fleet', fleet);
      expect(r.code).toBe(1);
      expect(r.err).toEqual([
        `${OLD_POLICY}: at the layout before policies were filed under their destination service; it belongs at ${NEW_POLICY}`,
        `1 policy is at the old layout (policies/<namespace>/<kind>-<name>.yaml). Move them, in the repository's root (${dir}), with:`,
        `  mkdir -p policies/bookinfo/reviews && git mv ${OLD_POLICY} ${NEW_POLICY}`,
        `then run meshport-policy render ${dir} --fleet ${fleet}, which moves rendered/ to the new layout too, and commit the result`,
        `${command} failed: fix the problems above`,
      ]);
      expect(fs.existsSync(path.join(dir, 'rendered'))).toBe(false);
    },
  );

  it('render --check reports rendered files of the old layout once, and render moves them', async () => {
    // The policies were moved, rendered/ not yet: the files of the old layout must go, not stay
    // beside their copies in the service folder (GitOps would apply both).
    const old = {
      vs: 'rendered/cluster-1/bookinfo/virtualservice-meshport-reviews.yaml',
      dr: 'rendered/cluster-1/bookinfo/destinationrule-meshport-reviews.yaml',
    };
    fs.mkdirSync(path.join(dir, 'policies/bookinfo/reviews'));
    fs.renameSync(path.join(dir, OLD_POLICY), path.join(dir, NEW_POLICY));
    fs.mkdirSync(path.join(dir, 'rendered/cluster-1/bookinfo'), {
      recursive: true,
    });
    for (const f of Object.values(old))
      fs.writeFileSync(path.join(dir, f), 'kind: Old\n');

    const checked = await run('render', dir, '--fleet', fleet, '--check');
    expect(checked.code).toBe(1);
    expect(checked.err).toEqual([
      `${old.dr}: at the layout before service folders: it now belongs at rendered/cluster-1/bookinfo/reviews/destinationrule-meshport-reviews.yaml, where render moves it`,
      `${old.vs}: at the layout before service folders: it now belongs at rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml, where render moves it`,
      `rendered/ is out of date: run meshport-policy render ${dir} --fleet ${fleet} and commit the result`,
    ]);

    expect(await run('render', dir, '--fleet', fleet)).toMatchObject({
      code: 0,
      out: [
        "rendered 2 objects from 1 policies; moved 2 files of the layout before service folders into their service's folder",
      ],
    });
    for (const f of Object.values(old))
      expect(fs.existsSync(path.join(dir, f))).toBe(false);
    expect(
      fs.readdirSync(path.join(dir, 'rendered/cluster-1/bookinfo/reviews')),
    ).toEqual([
      'destinationrule-meshport-reviews.yaml',
      'virtualservice-meshport-reviews.yaml',
    ]);
    expect((await run('render', dir, '--fleet', fleet, '--check')).code).toBe(
      0,
    );
  });
});
