import { multiNetworkFleet } from '../__fixtures__/fleets';
import { parseFleet } from './parseFleet';

/** A fleet as the backend serves it: plain JSON. */
const served = () => JSON.parse(JSON.stringify(multiNetworkFleet()));

describe('parseFleet', () => {
  it('reads a well-formed fleet whole, without warnings', () => {
    const fleet = served();
    const parsed = parseFleet(fleet);
    expect(parsed).toEqual({ ok: true, fleet, warnings: [] });
  });

  it('leaves out one instance with a null port, not the whole fleet', () => {
    const fleet = served();
    const i = fleet.services.findIndex(
      (s: { name: string }) => s.name === 'reviews',
    );
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
    expect(parsed.fleet.clusters.map(c => c.name)).not.toContain(
      'Prod Cluster',
    );
    expect(
      parsed.fleet.services.flatMap(s => s.instances.map(x => x.cluster)),
    ).not.toContain('Prod Cluster');
  });

  it('leaves out a service whose name is not a Kubernetes name', () => {
    const fleet = served();
    fleet.services[0].name = 7;
    fleet.services[1].namespace = '';
    const parsed = parseFleet(fleet);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.warnings.map(w => w.path)).toEqual([
      'services.0.name',
      'services.1',
    ]);
    expect(parsed.fleet.services).toHaveLength(fleet.services.length - 2);
  });

  it('refuses what has no clusters or services list at all', () => {
    expect(parseFleet({ clusters: {} })).toEqual({
      ok: false,
      errors: [
        { path: 'clusters', message: expect.any(String) },
        { path: 'services', message: expect.any(String) },
      ],
    });
  });
});
