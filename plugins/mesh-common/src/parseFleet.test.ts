import fs from 'node:fs';
import path from 'node:path';
import { describeFleetProblems, parseFleet } from './parseFleet';

/** The demo fleet's export, as `GET /api/mesh/fleet` serves it: plain JSON. */
const served = () =>
  JSON.parse(
    fs.readFileSync(
      path.resolve(__dirname, '../../../examples/policy-repo/fleet.json'),
      'utf8',
    ),
  );

const indexOf = (fleet: any, name: string) =>
  fleet.services.findIndex((s: { name: string }) => s.name === name);

describe('parseFleet', () => {
  it('reads a well-formed fleet whole, without warnings', () => {
    const fleet = served();
    expect(parseFleet(fleet)).toEqual({ ok: true, fleet, warnings: [] });
  });

  it('fills the lists an older export lacks with empty ones', () => {
    const fleet = served();
    delete fleet.links;
    delete fleet.clusters[0].eastWestGateways;
    delete fleet.services[0].instances[0].config;
    const parsed = parseFleet(fleet);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.warnings).toEqual([]);
    expect(parsed.fleet.links).toEqual([]);
    expect(parsed.fleet.clusters[0].eastWestGateways).toEqual([]);
    expect(parsed.fleet.services[0].instances[0].config).toEqual([]);
  });

  it('keeps fields it does not know, for readers that do', () => {
    const fleet = served();
    fleet.clusters[0].addedLater = { x: 1 };
    const parsed = parseFleet(fleet);
    expect(parsed.ok && (parsed.fleet.clusters[0] as any).addedLater).toEqual({
      x: 1,
    });
  });

  it('leaves out one instance with a null port, not the whole fleet', () => {
    const fleet = served();
    const i = indexOf(fleet, 'reviews');
    fleet.services[i].instances[0].ports[0].port = null;
    const cluster = fleet.services[i].instances[0].cluster;

    const parsed = parseFleet(fleet);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.warnings).toEqual([
      {
        path: `services.${i}.instances.0.ports.0.port`,
        message: expect.stringMatching(/^bookinfo\/reviews: .+; left out$/),
      },
    ]);
    const reviews = parsed.fleet.services.find(s => s.name === 'reviews')!;
    expect(reviews.instances.map(x => x.cluster)).not.toContain(cluster);
    expect(parsed.fleet.services).toHaveLength(fleet.services.length);
  });

  it('leaves out a cluster whose name is not a DNS-1123 label, naming it and the rule, and its instances', () => {
    const fleet = served();
    fleet.clusters[1].name = 'Prod Cluster';
    for (const s of fleet.services)
      for (const instance of s.instances)
        if (instance.cluster === 'cluster-2') instance.cluster = 'Prod Cluster';

    const parsed = parseFleet(fleet);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.warnings[0]).toEqual({
      path: 'clusters.1.name',
      message:
        'cluster name "Prod Cluster" is not a DNS-1123 label: at most 63 characters, lowercase letters, digits and \'-\', starting and ending with a letter or digit; left out',
    });
    expect(parsed.warnings.slice(1).map(w => w.message)).toContainEqual(
      expect.stringMatching(/cluster "Prod Cluster" is not in the fleet/),
    );
    expect(parsed.fleet.clusters.map(c => c.name)).not.toContain(
      'Prod Cluster',
    );
    expect(
      parsed.fleet.services.flatMap(s => s.instances.map(x => x.cluster)),
    ).not.toContain('Prod Cluster');
  });

  it('leaves out a cluster without a sync state, and a mesh or link that is malformed', () => {
    const fleet = served();
    delete fleet.clusters[3].sync;
    fleet.meshes[0].kind = 'consul';
    fleet.links[0].via = 'carrier-pigeon';
    const parsed = parseFleet(fleet);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.warnings.map(w => w.path)).toEqual(
      expect.arrayContaining([
        'clusters.3.sync',
        'meshes.0.kind',
        'links.0.via',
      ]),
    );
    expect(parsed.fleet.clusters).toHaveLength(3);
    expect(parsed.fleet.meshes).toHaveLength(fleet.meshes.length - 1);
    expect(parsed.fleet.links).toHaveLength(fleet.links.length - 1);
  });

  it('leaves out a service whose name is not a Kubernetes name', () => {
    const fleet = served();
    fleet.services[0].name = 7;
    fleet.services[1].namespace = '';
    fleet.services[2].name = 'Reviews';
    const parsed = parseFleet(fleet);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.warnings.map(w => w.path)).toEqual([
      'services.0.name',
      'services.1',
      'services.2',
    ]);
    expect(parsed.warnings[2].message).toMatch(
      /^service name "Reviews" is not a DNS-1123 label/,
    );
    expect(parsed.fleet.services).toHaveLength(fleet.services.length - 3);
  });

  it('says at most 20 things, however broken the fleet', () => {
    const fleet = served();
    fleet.clusters = Array.from({ length: 30 }, () => ({ name: 7 }));
    const parsed = parseFleet(fleet);
    expect(parsed.ok && parsed.warnings).toHaveLength(20);
  });

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a list', []],
    ['text', 'fleet'],
  ])('refuses %s', (_what, input) => {
    const parsed = parseFleet(input);
    expect(parsed.ok).toBe(false);
  });

  it('refuses what has no outline, naming each missing part', () => {
    expect(parseFleet({ clusters: {} })).toEqual({
      ok: false,
      errors: [
        { path: 'generatedAt', message: expect.any(String) },
        { path: 'clusters', message: expect.any(String) },
        { path: 'meshes', message: expect.any(String) },
        { path: 'services', message: expect.any(String) },
      ],
    });
  });

  it('describes problems on one line', () => {
    expect(
      describeFleetProblems([
        { path: 'clusters', message: 'expected array' },
        { path: '', message: 'not an object' },
      ]),
    ).toBe('clusters: expected array; not an object');
  });
});
