import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { multiPrimaryFleet } from '../__fixtures__/fleets';
import { seedPolicy } from '../__fixtures__/policies';
import { toYaml } from '../yaml';
import { parseOwnersFile } from './codeowners';
import { main } from './main';

const OWNERS = {
  default: ['@acme/platform'],
  services: {
    'bookinfo/reviews': ['@acme/reviews'],
    'bookinfo/ratings': [],
  },
};

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    stdout: l => out.push(l),
    stderr: l => err.push(l),
  });
  return { code, out, err };
}

describe('parseOwnersFile', () => {
  it('reads the default owners, the services and the provider', () => {
    expect(
      parseOwnersFile(
        JSON.stringify({ ...OWNERS, provider: 'gitlab' }),
        'owners.json',
      ),
    ).toEqual({
      provider: 'gitlab',
      defaultOwners: ['@acme/platform'],
      services: [
        {
          namespace: 'bookinfo',
          service: 'reviews',
          owners: ['@acme/reviews'],
        },
        { namespace: 'bookinfo', service: 'ratings', owners: [] },
      ],
    });
    expect(parseOwnersFile('{"default":["@p"]}', 'o.json')).toEqual({
      provider: 'github',
      defaultOwners: ['@p'],
      services: [],
    });
  });

  it.each([
    ['not JSON', '{', 'o.json: not JSON'],
    ['a list', '[]', 'o.json: expected { "default"'],
    [
      'no default',
      '{"services":{}}',
      'o.json: "default" must be a list of owners',
    ],
    [
      'a default that is a string',
      '{"default":"@p"}',
      '"default" must be a list',
    ],
    [
      'services as a list',
      '{"default":["@p"],"services":[]}',
      '"services" must map',
    ],
    [
      'a service without namespace',
      '{"default":["@p"],"services":{"reviews":["@a"]}}',
      'services: "reviews" must be "<namespace>/<service>"',
    ],
    [
      'owners that are not a list of strings',
      '{"default":["@p"],"services":{"bookinfo/reviews":[1]}}',
      'services: "bookinfo/reviews" must be a list of owners',
    ],
    [
      'an unknown provider',
      '{"provider":"bitbucket","default":["@p"]}',
      '"provider" must be "github" or "gitlab", not "bitbucket"',
    ],
  ])('refuses %s', (_case, text, message) => {
    const parsed = parseOwnersFile(text, 'o.json');
    expect(typeof parsed).toBe('string');
    expect(parsed).toContain(message);
  });
});

describe('meshport-policy codeowners and check --owners', () => {
  let dir: string;
  let fleet: string;
  let owners: string;
  const writeOwners = (value: unknown) =>
    fs.writeFileSync(
      owners,
      typeof value === 'string' ? value : JSON.stringify(value),
    );
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-codeowners-'));
    fs.mkdirSync(path.join(dir, 'policies/bookinfo/reviews'), {
      recursive: true,
    });
    fs.writeFileSync(
      path.join(
        dir,
        'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
      ),
      toYaml(seedPolicy()),
    );
    fleet = path.join(dir, 'fleet.json');
    fs.writeFileSync(fleet, JSON.stringify(multiPrimaryFleet()));
    owners = path.join(dir, 'owners.json');
    writeOwners(OWNERS);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints CODEOWNERS, writes it with --write, and leaves an unchanged file alone', async () => {
    const printed = await run('codeowners', dir, '--owners', owners);
    expect(printed.code).toBe(0);
    expect(printed.out.join('\n')).toContain(
      '* @acme/platform\n/CODEOWNERS @acme/platform\n\n/policies/bookinfo/ratings/ @acme/platform\n/rendered/*/bookinfo/ratings/ @acme/platform\n\n/policies/bookinfo/reviews/ @acme/reviews\n/rendered/*/bookinfo/reviews/ @acme/reviews',
    );
    expect(fs.existsSync(path.join(dir, 'CODEOWNERS'))).toBe(false);

    expect(await run('codeowners', dir, '--owners', owners, '--write')).toEqual(
      {
        code: 0,
        out: [`${path.join(dir, 'CODEOWNERS')}: written (2 services)`],
        err: [],
      },
    );
    expect(fs.readFileSync(path.join(dir, 'CODEOWNERS'), 'utf8')).toBe(
      `${printed.out.join('\n')}\n`,
    );
    expect(
      (await run('codeowners', dir, '--owners', owners, '--write')).out,
    ).toEqual([`${path.join(dir, 'CODEOWNERS')}: unchanged (2 services)`]);
  });

  it('check fails while CODEOWNERS is absent, then out of date, naming the services; passes when current', async () => {
    const absent = await run(
      'check',
      dir,
      '--fleet',
      fleet,
      '--owners',
      owners,
    );
    expect(absent.code).toBe(1);
    expect(absent.out.slice(-1)).toEqual([
      `error: CODEOWNERS is absent: no one's review is required for any service's policies; run meshport-policy codeowners ${dir} --owners ${owners} --write and commit the result`,
    ]);

    await run('codeowners', dir, '--owners', owners, '--write');
    const current = await run(
      'check',
      dir,
      '--fleet',
      fleet,
      '--owners',
      owners,
    );
    expect(current.code).toBe(0);
    expect(current.out.slice(-1)).toEqual([
      'CODEOWNERS is current (2 services)',
    ]);

    // the catalog moved reviews to another team, and a new service got owners
    writeOwners({
      ...OWNERS,
      services: {
        ...OWNERS.services,
        'bookinfo/reviews': ['@acme/new-team'],
        'shop/checkout': ['@acme/shop'],
      },
    });
    const stale = await run('check', dir, '--fleet', fleet, '--owners', owners);
    expect(stale.code).toBe(1);
    expect(stale.out.slice(-1)).toEqual([
      `error: CODEOWNERS is out of date with the catalog: the rules of bookinfo/reviews, shop/checkout differ from what Meshport writes; run meshport-policy codeowners ${dir} --owners ${owners} --write and commit the result`,
    ]);

    const github = await run(
      'check',
      dir,
      '--fleet',
      fleet,
      '--owners',
      owners,
      '--format',
      'github',
    );
    expect(github.code).toBe(1);
    expect(github.out.slice(-1)[0]).toMatch(
      new RegExp(
        `^::error file=${dir.replace(
          /[.*+?^${}()|[\]\\]/g,
          '\\$&',
        )}/CODEOWNERS,title=CODEOWNERS::CODEOWNERS is out of date with the catalog: the rules of bookinfo/reviews, shop/checkout differ`,
      ),
    );
  });

  it('check names a hand-edited default rule, and a GitHub file that shadows the root one', async () => {
    await run('codeowners', dir, '--owners', owners, '--write');
    const file = path.join(dir, 'CODEOWNERS');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace('/CODEOWNERS @acme/platform', '/CODEOWNERS @mallory'),
    );
    fs.mkdirSync(path.join(dir, '.github'));
    fs.writeFileSync(path.join(dir, '.github/CODEOWNERS'), '* @mallory\n');
    const r = await run('check', dir, '--fleet', fleet, '--owners', owners);
    expect(r.code).toBe(1);
    expect(r.out.slice(-2)).toEqual([
      "error: .github/CODEOWNERS: GitHub reads this file before CODEOWNERS, so Meshport's rules there do not apply: delete it (move any rule it holds to the catalog)",
      `error: CODEOWNERS is out of date with the catalog: the rules /CODEOWNERS differ from what Meshport writes; run meshport-policy codeowners ${dir} --owners ${owners} --write and commit the result`,
    ]);
    // --write refuses too, before writing anything
    const before = fs.readFileSync(file, 'utf8');
    const written = await run('codeowners', dir, '--owners', owners, '--write');
    expect(written.code).toBe(1);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it.each([
    ['a malformed owners file', '{"default": [', 'not JSON'],
    [
      'a service name with a space',
      { default: ['@p'], services: { 'bookinfo/my reviews': ['@a'] } },
      'the service "my reviews" is not a Kubernetes name',
    ],
    [
      'a GitLab subgroup for GitHub',
      { default: ['@p'], services: { 'bookinfo/reviews': ['@a/b/c'] } },
      '"@a/b/c" is not an owner GitHub CODEOWNERS can name',
    ],
  ])('refuses %s in codeowners and check', async (_case, content, message) => {
    writeOwners(content);
    const printed = await run('codeowners', dir, '--owners', owners);
    expect(printed.code).toBe(1);
    expect(printed.err.join('\n')).toContain(message);
    const checked = await run(
      'check',
      dir,
      '--fleet',
      fleet,
      '--owners',
      owners,
    );
    expect(checked.code).toBe(1);
    expect(checked.err.join('\n')).toContain(message);
    // refused before the fleet is analysed
    expect(checked.out).toEqual([]);
  });

  it('refuses a missing owners file and bad arguments', async () => {
    const missing = await run(
      'codeowners',
      dir,
      '--owners',
      path.join(dir, 'nope.json'),
    );
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/nope.json: cannot read the owners file/);
    expect((await run('codeowners', dir)).err[0]).toMatch(
      /^missing --owners <owners.json>/,
    );
    expect((await run('codeowners', dir, '--owners')).err[0]).toMatch(
      /^--owners needs a value/,
    );
    expect(
      (await run('codeowners', dir, '--owners', owners, '--fleet', fleet))
        .err[0],
    ).toMatch(/^unknown option "--fleet"/);
    expect(
      (await run('render', dir, '--fleet', fleet, '--write')).err[0],
    ).toMatch(/^unknown option "--write"/);
  });
});
