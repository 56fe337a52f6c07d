import { createHash } from 'node:crypto';
import type {
  MeshService,
  ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';

/** A service's JSON as the bytes sent, and a digest of them that page tags are made of. */
interface Serialised {
  bytes: Buffer;
  digest: Buffer;
}

/** An HTTP answer's body and its entity tag (RFC 9110 §8.8.3). */
export interface JsonAnswer {
  body: Buffer;
  etag: string;
}

const COMMA = Buffer.from(',');
const ITEMS = Buffer.from('{"items":[');

/**
 * Each service's JSON, serialised once instead of once per request: a page of 50 services is
 * ~180 KB of JSON, and `JSON.stringify` of it was a quarter of the server's CPU under list
 * load. Pages and details are assembled from these bytes, so they are those `JSON.stringify`
 * of the whole answer gives (its array is the items' JSON joined by commas). Kept as UTF-8
 * bytes: a page is one copy of its items' bytes, where joining strings and encoding the
 * result took three, and the bytes sit outside the JavaScript heap the collector marks.
 *
 * Each answer carries a strong entity tag made of its items' digests (computed once per
 * service) and its counts: equal tags mean equal bodies, as with a digest of the body, which
 * Express would otherwise compute over the ~180 KB of every page.
 *
 * Keyed by the service object itself, weakly: the store never edits a service it published
 * (a change to a service is a new object), and a new fleet reuses the objects of the services
 * a change did not touch (FleetMemo), so their JSON outlives the fleet that first served
 * them — a watched change re-serialises only what it touched. The router's, not a cache
 * shared across routers.
 *
 * Bounded: every service's JSON is ~175 MiB at 50,000 services, a sixth of the server's
 * memory goal, so only the last `maxBytes` bytes serialised are kept (the oldest are
 * dropped first); the services asked for again and again (a team's own, the first pages)
 * stay, a walk over all 50,000 serialises again what it reaches after the budget is spent.
 */
export class ServiceJson {
  private readonly json = new WeakMap<MeshService, Serialised>();
  /** The services whose JSON is kept, oldest first from `head`; a dropped one is undefined. */
  private readonly kept: Array<MeshService | undefined> = [];
  private head = 0;
  private bytes = 0;

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {}

  /** One published service's JSON. */
  of(service: MeshService): JsonAnswer {
    const { bytes, digest } = this.serialised(service);
    return { body: bytes, etag: `"${digest.toString('base64url')}"` };
  }

  /** A page of services' JSON, byte for byte `JSON.stringify(page)`. */
  page(page: ServiceListResponse): JsonAnswer {
    const tail = Buffer.from(
      `],"totalCount":${page.totalCount},"offset":${page.offset},"limit":${page.limit}}`,
    );
    const parts: Buffer[] = [ITEMS];
    const tag = createHash('sha256');
    page.items.forEach((service, i) => {
      const { bytes, digest } = this.serialised(service);
      if (i > 0) parts.push(COMMA);
      parts.push(bytes);
      tag.update(digest);
    });
    parts.push(tail);
    tag.update(tail);
    return {
      body: Buffer.concat(parts),
      etag: `"${tag.digest('base64url')}"`,
    };
  }

  private serialised(service: MeshService): Serialised {
    let serialised = this.json.get(service);
    if (serialised === undefined) {
      const json = JSON.stringify(service);
      // a buffer of its own: a small one from the shared pool would hold the pool's 8 KB
      const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
      bytes.write(json);
      serialised = {
        bytes,
        digest: createHash('sha256').update(bytes).digest(),
      };
      this.keep(service, serialised);
    }
    return serialised;
  }

  private keep(service: MeshService, serialised: Serialised) {
    if (serialised.bytes.length > this.maxBytes) return;
    this.json.set(service, serialised);
    this.kept.push(service);
    this.bytes += serialised.bytes.length;
    while (this.bytes > this.maxBytes) {
      const oldest = this.kept[this.head]!;
      this.kept[this.head++] = undefined;
      this.bytes -= this.json.get(oldest)!.bytes.length;
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
const DEFAULT_MAX_BYTES = 36 * 2 ** 20;
