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
 * Not bounded: every service's JSON is ~175 MiB at 50,000 services once all have been asked
 * for. A budget of 36 MiB that dropped the oldest (measured 2026-12-04) made the list's p99
 * 0.4–1 s: a walk over all the services kept replacing JSON, and what it replaced was
 * garbage in the old generation, collected by full collections of a ~1 GiB heap.
 */
export class ServiceJson {
  private readonly json = new WeakMap<MeshService, Serialised>();

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
      this.json.set(service, serialised);
    }
    return serialised;
  }
}
