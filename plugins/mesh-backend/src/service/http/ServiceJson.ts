import type {
  MeshService,
  ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * Each service's JSON, serialised once per published fleet instead of once per request: a
 * page of 50 services is ~180 KB of JSON, and `JSON.stringify` of it was a quarter of the
 * server's CPU under list load. Pages and details are assembled from these strings, so the
 * bytes are those `JSON.stringify` of the whole answer gives (its array is the items' JSON
 * joined by commas).
 *
 * The store publishes a new fleet (and with it a new list of services) whenever the fleet
 * changes and never edits one it published, so a service's JSON is valid for as long as its
 * fleet is the latest. Only the latest fleet's strings are kept, filled as services are
 * asked for: the router's, not a cache shared across routers.
 */
export class ServiceJson {
  private last?: {
    services: readonly MeshService[];
    json: Map<MeshService, string>;
  };

  /** The JSON of one service of the latest fleet's `services`. */
  of(services: readonly MeshService[], service: MeshService): string {
    if (this.last?.services !== services)
      this.last = { services, json: new Map() };
    let json = this.last.json.get(service);
    if (json === undefined) {
      json = JSON.stringify(service);
      this.last.json.set(service, json);
    }
    return json;
  }

  /** The JSON of a page of services, byte for byte `JSON.stringify(page)`. */
  page(services: readonly MeshService[], page: ServiceListResponse): string {
    const items = page.items.map(s => this.of(services, s)).join(',');
    return `{"items":[${items}],"totalCount":${page.totalCount},"offset":${page.offset},"limit":${page.limit}}`;
  }
}
