import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { FleetEtag } from './FleetEtag';

const service = (id: string) => ({ id } as unknown as Fleet['services'][0]);
const fleetOf = (...ids: string[]) =>
  ({
    generatedAt: '2026-01-01T00:00:00Z',
    clusters: [],
    meshes: [],
    links: [],
    services: ids.map(service),
  } as unknown as Fleet);

describe('FleetEtag', () => {
  it('gives one fleet one tag, and a changed fleet another', () => {
    const etag = new FleetEtag();
    const fleet = fleetOf('a/x', 'a/y');
    const tag = etag.of(fleet, fleet.services);
    expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(etag.of(fleet, fleet.services)).toBe(tag);
    // equal content, published again: the same body, so the same tag
    const same = fleetOf('a/x', 'a/y');
    expect(etag.of(same, same.services)).toBe(tag);
    const changed = fleetOf('a/x', 'a/z');
    expect(etag.of(changed, changed.services)).not.toBe(tag);
  });

  it('tags each filtered view by the services it holds', () => {
    const etag = new FleetEtag();
    const fleet = fleetOf('a/x', 'a/y', 'a/z');
    const [x, y, z] = fleet.services;
    const tags = [
      etag.of(fleet, fleet.services),
      etag.of(fleet, [x, y]),
      etag.of(fleet, [x, z]),
      etag.of(fleet, [y]),
      etag.of(fleet, []),
    ];
    expect(new Set(tags).size).toBe(tags.length);
    expect(etag.of(fleet, [x, z])).toBe(tags[2]);
  });

  it('tags an empty fleet', () => {
    const fleet = fleetOf();
    expect(new FleetEtag().of(fleet, [])).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });
});
