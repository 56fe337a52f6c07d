import { createHash } from 'node:crypto';
import type {
  MeshService,
  ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';

/** A service's JSON, its length in UTF-8 bytes, and a digest page tags are made of. */
interface Serialised {
  json: string;
  bytes: number;
  digest: string;
}

/** An HTTP answer's body and its entity tag (RFC 9110 §8.8.3). */
export interface JsonAnswer {
  body: Buffer;
  etag: string;
}

const ITEMS = '{"items":[';

/**
 * Each service's JSON, serialised once instead of once per request: a page of 50 services is
 * ~180 KB of JSON, and `JSON.stringify` of it was a quarter of the server's CPU under list
 * load. Pages and details are assembled from these strings, so they are the bytes
 * `JSON.stringify` of the whole answer gives (its array is the items' JSON joined by commas),
 * each written once into the answer's bytes, where joining the strings and encoding the
 * result took three passes. Kept as strings: kept as 50,000 buffers (~175 MiB outside the
 * heap, whose growth V8 answers with full collections) the list's p99 was 292 ms (max 1.9 s).
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
    const { json, digest } = this.serialised(service);
    return { body: Buffer.from(json), etag: `"${digest}"` };
  }

  /** A page of services' JSON, byte for byte `JSON.stringify(page)`. */
  page(page: ServiceListResponse): JsonAnswer {
    const tail = `],"totalCount":${page.totalCount},"offset":${page.offset},"limit":${page.limit}}`;
    const items = page.items.map(s => this.serialised(s));
    let length = ITEMS.length + Math.max(items.length - 1, 0) + tail.length;
    for (const item of items) length += item.bytes;
    const body = Buffer.allocUnsafe(length);
    const tag = createHash('sha256');
    let at = body.write(ITEMS, 0, 'latin1');
    items.forEach((item, i) => {
      if (i > 0) at = body.writeUInt8(0x2c, at);
      at += body.write(item.json, at, 'utf8');
      tag.update(item.digest);
    });
    body.write(tail, at, 'latin1');
    tag.update(tail);
    return { body, etag: `"${tag.digest('base64url')}"` };
  }

  private serialised(service: MeshService): Serialised {
    let serialised = this.json.get(service);
    if (serialised === undefined) {
      const json = JSON.stringify(service);
      serialised = {
        json,
        bytes: Buffer.byteLength(json),
        digest: createHash('sha256').update(json).digest('base64url'),
      };
      this.json.set(service, serialised);
    }
    return serialised;
  }
}
