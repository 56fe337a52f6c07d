import type {
  MeshService,
  ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * Each service's JSON, serialised once instead of once per request: a page of 50 services is
 * ~180 KB of JSON, and `JSON.stringify` of it was a quarter of the server's CPU under list
 * load. Pages and details are assembled from these strings, so the bytes are those
 * `JSON.stringify` of the whole answer gives (its array is the items' JSON joined by commas).
 *
 * Keyed by the service object itself, weakly: the store never edits a service it published
 * (a change to a service is a new object), and a new fleet reuses the objects of the services
 * a change did not touch (FleetMemo), so their JSON outlives the fleet that first served
 * them — a watched change re-serialises only what it touched — while the JSON of a service
 * no fleet holds any more is collected with it. The router's, not a cache shared across
 * routers.
 */
export class ServiceJson {
  private readonly json = new WeakMap<MeshService, string>();

  /** The JSON of one published service. */
  of(service: MeshService): string {
    let json = this.json.get(service);
    if (json === undefined) {
      json = JSON.stringify(service);
      this.json.set(service, json);
    }
    return json;
  }

  /** The JSON of a page of services, byte for byte `JSON.stringify(page)`. */
  page(page: ServiceListResponse): string {
    const items = page.items.map(s => this.of(s)).join(',');
    return `{"items":[${items}],"totalCount":${page.totalCount},"offset":${page.offset},"limit":${page.limit}}`;
  }
}
