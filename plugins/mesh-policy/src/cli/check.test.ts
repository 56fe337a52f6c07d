import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  Fleet,
  Finding,
  LiveConfigObject,
} from '@meshport/backstage-plugin-mesh-common';
import { multiPrimaryFleet } from '../__fixtures__/fleets';
import { seedPolicy } from '../__fixtures__/policies';
import type { Check } from '../analyze/types';
import type { ClusterObject } from '../verify/types';
import { toYaml } from '../yaml';
import { blockingErrors, formatGithub, repositoryChange } from './check';
import { main } from './main';

const HOST = 'reviews.bookinfo.svc.cluster.local';

const hostsOf = (o: ClusterObject): string[] =>
  Array.isArray(o.spec?.hosts) ? (o.spec.hosts as string[]) : [];

/** Stand-ins for the engine's checks: the CLI's output is the subject, not their wording. */
const severalVirtualServices: Check = {
  code: 'MESH981',
  severity: 'error',
  title: 'Several VirtualServices for one host',
  run: ctx =>
    ctx.clustersWithConfig().flatMap(cluster => {
      const byHost = new Map<string, ClusterObject[]>();
      for (const vs of ctx.config(cluster).ofKind('VirtualService'))
        for (const h of hostsOf(vs))
          byHost.set(h, [...(byHost.get(h) ?? []), vs]);
      return [...byHost]
        .filter(([, list]) => list.length > 1)
        .map(([host, list]) => ({
          message: `${list
            .map(v => `VirtualService bookinfo/${v.metadata.name}`)
            .join(' and ')} in cluster ${cluster} both route ${host}.`,
          fix: `Merge them into one VirtualService for ${host}.`,
          objects: list.map(v => ctx.ref(cluster, v)),
          services: ['bookinfo/reviews'],
          keyParts: [host],
        }));
    }),
};

const permissive: Check = {
  code: 'MESH983',
  severity: 'warning',
  title: 'PeerAuthentication accepts plaintext',
  run: ctx =>
    ctx.clustersWithConfig().flatMap(cluster =>
      ctx
        .config(cluster)
        .ofKind('PeerAuthentication')
        .map(pa => ({
          message: `PeerAuthentication bookinfo/${pa.metadata.name} in cluster ${cluster} accepts plaintext.`,
          fix: 'Set mtls.mode to STRICT.',
          objects: [ctx.ref(cluster, pa)],
        })),
    ),
};

const checks = [severalVirtualServices, permissive];

const object = (
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  labels?: Record<string, string>,
): LiveConfigObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind,
  metadata: { name, namespace: 'bookinfo', ...(labels ? { labels } : {}) },
  spec,
});

const handWritten = object('VirtualService', 'reviews-by-hand', {
  hosts: [HOST],
});
const legacy = object('PeerAuthentication', 'legacy', {
  mtls: { mode: 'PERMISSIVE' },
});

function withConfig(config: Record<string, LiveConfigObject[]>): Fleet {
  const fleet = multiPrimaryFleet();
  return {
    ...fleet,
    clusters: fleet.clusters.map(c =>
      config[c.name] ? { ...c, config: config[c.name] } : c,
    ),
  };
}

describe('meshport-policy check', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-check-'));
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
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function check(fleet: Fleet, ...flags: string[]) {
    const file = path.join(dir, 'fleet.json');
    fs.writeFileSync(file, JSON.stringify(fleet));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['check', dir, '--fleet', file, ...flags],
      { stdout: l => out.push(l), stderr: l => err.push(l) },
      { checks },
    );
    return { code, out, err };
  }

  it('passes with findings grouped by severity when the render brings no error', async () => {
    const fleet = withConfig({ 'cluster-1': [legacy], 'cluster-2': [] });
    expect(await check(fleet)).toEqual({
      code: 0,
      err: [],
      out: [
        'warnings (1)',
        '  MESH983 PeerAuthentication accepts plaintext',
        '    PeerAuthentication bookinfo/legacy in cluster cluster-1 accepts plaintext.',
        '    fix: Set mtls.mode to STRICT.',
        '    owners: team-bookinfo',
        '',
        `0 errors, 1 warning, 0 info in the fleet with ${dir}'s render applied`,
      ],
    });
  });

  it('fails on an error, annotating the rendered file for GitHub', async () => {
    const fleet = withConfig({
      'cluster-1': [handWritten, legacy],
      'cluster-2': [],
    });
    const text = await check(fleet);
    expect(text.code).toBe(1);
    expect(text.out.slice(0, 7)).toEqual([
      'errors (1)',
      '  MESH981 Several VirtualServices for one host',
      `    VirtualService bookinfo/meshport-reviews and VirtualService bookinfo/reviews-by-hand in cluster cluster-1 both route ${HOST}.`,
      `    fix: Merge them into one VirtualService for ${HOST}.`,
      '    owners: team-bookinfo',
      `    file: ${dir}/rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml`,
      '',
    ]);

    const github = await check(fleet, '--format', 'github');
    expect(github.code).toBe(1);
    expect(github.out).toEqual([
      `::error file=${dir}/rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml,title=MESH981::VirtualService bookinfo/meshport-reviews and VirtualService bookinfo/reviews-by-hand in cluster cluster-1 both route ${HOST}. Fix: Merge them into one VirtualService for ${HOST}. Owners: team-bookinfo.`,
      '::warning title=MESH983::PeerAuthentication bookinfo/legacy in cluster cluster-1 accepts plaintext. Fix: Set mtls.mode to STRICT. Owners: team-bookinfo.',
      `1 error, 1 warning, 0 info in the fleet with ${dir}'s render applied`,
    ]);
  });

  it('removes live Meshport objects the render no longer has, and only those', async () => {
    const label = { 'meshport.dev/policy': 'trafficpolicy.bookinfo.old' };
    const managed = object(
      'VirtualService',
      'meshport-old',
      { hosts: [HOST] },
      label,
    );
    expect((await check(withConfig({ 'cluster-1': [managed] }))).code).toBe(0);
    // the same object without the label is someone else's: it stays, and clashes
    const unmanaged = object('VirtualService', 'meshport-old', {
      hosts: [HOST],
    });
    expect((await check(withConfig({ 'cluster-1': [unmanaged] }))).code).toBe(
      1,
    );

    const change = repositoryChange(withConfig({ 'cluster-1': [managed] }), {
      'rendered/cluster-1/bookinfo/virtualservice-meshport-reviews.yaml':
        toYaml({
          ...managed,
          metadata: { ...managed.metadata, name: 'meshport-reviews' },
        }),
      'policies/bookinfo/x.yaml': 'kind: TrafficPolicy\n',
      'rendered/cluster-1/bookinfo/empty.yaml': '',
    });
    expect(change.removed).toEqual({
      'cluster-1': [
        { kind: 'VirtualService', namespace: 'bookinfo', name: 'meshport-old' },
      ],
    });
    expect(Object.keys(change.proposed)).toEqual(['cluster-1']);
    expect(change.proposed['cluster-1']).toHaveLength(1);
  });

  it('analyses a fleet without live config on what the render holds, and says so', async () => {
    const r = await check(multiPrimaryFleet());
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(
      /notes\n {2}- Cluster cluster-1: .*fleet\.json carries no live mesh config for it, so only the objects rendered for it were analysed/,
    );
    expect(r.out.join('\n')).toContain(
      'Cluster cluster-2 carries no mesh config',
    );
    const github = await check(multiPrimaryFleet(), '--format=github');
    expect(github.out[0]).toMatch(
      /^::notice title=meshport-policy::Cluster cluster-1: /,
    );
  });

  it('fails on a policy that does not render, annotating its file for GitHub', async () => {
    const bad = seedPolicy();
    bad.spec.route![0].cluster = 'cluster-9';
    fs.writeFileSync(
      path.join(
        dir,
        'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
      ),
      toYaml(bad),
    );
    const r = await check(
      withConfig({ 'cluster-1': [] }),
      '--format',
      'github',
    );
    expect(r.code).toBe(1);
    expect(r.out[0]).toMatch(
      new RegExp(
        `^::error file=${dir}/policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml,title=meshport-policy::unknown cluster "cluster-9"`,
      ),
    );
    expect(r.err).toContain('check failed: fix the problems above');
  });

  it.each([
    [['--format', 'xml'], '--format must be text or github, not "xml"'],
    [['--format'], '--format needs a value: text or github'],
  ])('refuses %j as a usage error', async (flags, message) => {
    const r = await check(multiPrimaryFleet(), ...flags);
    expect(r.code).toBe(2);
    expect(r.err[0]).toContain(message);
  });

  it('refuses --format outside check, and check without --fleet', async () => {
    const out: string[] = [];
    const io = {
      stdout: (l: string) => out.push(l),
      stderr: (l: string) => out.push(l),
    };
    expect(
      await main(['render', dir, '--fleet', 'f', '--format', 'github'], io),
    ).toBe(2);
    expect(out[0]).toContain('unknown option "--format"');
    expect(await main(['check', dir], io)).toBe(2);
  });

  it('escapes what would end a workflow command early', () => {
    const finding: Finding = {
      code: 'MESH981',
      severity: 'info',
      title: 't',
      message: '100% sure:\nsecond line, really',
      fix: 'none',
      objects: [],
      clusters: [],
      services: [],
      owners: [],
      key: 'k',
    };
    const change = repositoryChange(multiPrimaryFleet(), {});
    expect(
      formatGithub({ findings: [finding], notes: [] }, change, [], 'a,b:c')[0],
    ).toBe(
      '::notice title=MESH981::100%25 sure:%0Asecond line, really Fix: none',
    );
  });
});

describe('blockingErrors', () => {
  const finding = (key: string, cluster: string, name: string): Finding => ({
    code: 'MESH102',
    severity: 'error',
    title: 't',
    message: 'm',
    fix: 'f',
    objects: [{ cluster, kind: 'VirtualService', namespace: 'shop', name }],
    clusters: [cluster],
    services: [],
    owners: [],
    key,
  });
  const change = {
    proposed: {},
    removed: {},
    fileOf: new Map([
      [
        'east/VirtualService/shop/ours',
        'rendered/east/shop/virtualservice-ours.yaml',
      ],
    ]),
    withoutConfig: [],
  };

  it('fails on what the render introduces or touches, not on what is already wrong elsewhere', () => {
    const elsewhere = finding('a', 'east', 'theirs');
    const touched = finding('b', 'east', 'ours');
    const introduced = finding('c', 'west', 'new');
    const blocking = blockingErrors(
      { findings: [elsewhere, touched, introduced], notes: [] },
      { findings: [elsewhere, touched], notes: [] },
      change,
    );
    expect(blocking.map(f => f.key)).toEqual(['b', 'c']);
  });
});
