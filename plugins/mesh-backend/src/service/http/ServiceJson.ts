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
 * them — a watched change re-serialises only what it touched. The router's, not a cache
 * shared across routers.
 *
 * Bounded: every service's JSON is ~175 MiB at 50,000 services, a sixth of the server's
 * memory goal, so only the last `maxChars` characters serialised are kept (the oldest are
 * dropped first); the services asked for again and again (a team's own, the first pages)
 * stay, a walk over all 50,000 serialises again what it reaches after the budget is spent.
 */
export class ServiceJson {
  private readonly json = new WeakMap<MeshService, string>();
  /** The services whose JSON is kept, oldest first from `head`; a dropped one is undefined. */
  private readonly kept: Array<MeshService | undefined> = [];
  private head = 0;
  private chars = 0;

  constructor(private readonly maxChars = DEFAULT_MAX_CHARS) {}

  /** The JSON of one published service. */
  of(service: MeshService): string {
    let json = this.json.get(service);
    if (json === undefined) {
      json = JSON.stringify(service);
      this.keep(service, json);
    }
    return json;
  }

  /** The JSON of a page of services, byte for byte `JSON.stringify(page)`. */
  page(page: ServiceListResponse): string {
    const items = page.items.map(s => this.of(s)).join(',');
    return `{"items":[${items}],"totalCount":${page.totalCount},"offset":${page.offset},"limit":${page.limit}}`;
  }

  private keep(service: MeshService, json: string) {
    if (json.length > this.maxChars) return;
    this.json.set(service, json);
    this.kept.push(service);
    this.chars += json.length;
    while (this.chars > this.maxChars) {
      const oldest = this.kept[this.head]!;
      this.kept[this.head++] = undefined;
      this.chars -= this.json.get(oldest)!.length;
      this.json.delete(oldest);
    }
    // the queue's dropped front is cut once it is half of it
    if (this.head > 1024 && this.head * 2 > this.kept.length) {
      this.kept.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** ~10,000 services' JSON at the bench fleet's ~3.6 KB each. */
const DEFAULT_MAX_CHARS = 36 * 2 ** 20;
