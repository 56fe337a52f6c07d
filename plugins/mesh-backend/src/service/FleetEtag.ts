import { createHash } from 'node:crypto';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';

/**
 * Strong entity tags for `GET /fleet` (RFC 9110 §8.8.3): equal tags mean byte-equal bodies.
 *
 * The body is the fleet the store published with the services the caller may read, so the
 * tag is made of both: the digest of the published fleet and, when some services are left
 * out, which ones. A caller who sees less never shares a tag with one who sees more, so a 304
 * can only confirm the view that caller was already given. The rest of the body that differs
 * between callers (the clusters' mesh config, `visibleClusters`) is a function of the fleet
 * and the services served, so the same two make the tag exact for it too.
 *
 * The store publishes a new fleet object whenever the fleet changes and never edits one it
 * published, so the fleet's digest is computed once per published fleet, not per request.
 * One digest is kept, for the latest fleet: the router's, not a cache shared across routers.
 */
export class FleetEtag {
  private last?: { fleet: Fleet; digest: string };

  /** The tag of the body serving `fleet` with `served` (a subsequence of its services). */
  of(fleet: Fleet, served: Fleet['services']): string {
    const digest = this.digestOf(fleet);
    if (served.length === fleet.services.length) return `"${digest}"`;
    const hash = createHash('sha256').update(digest);
    // positions, not ids: they name exactly which of the published services the body holds
    let j = 0;
    for (let i = 0; i < fleet.services.length && j < served.length; i++) {
      if (fleet.services[i] === served[j]) {
        hash.update(`,${i}`);
        j++;
      }
    }
    return `"${hash.digest('base64url')}"`;
  }

  private digestOf(fleet: Fleet): string {
    if (this.last?.fleet !== fleet) {
      this.last = {
        fleet,
        digest: createHash('sha256')
          .update(JSON.stringify(fleet))
          .digest('base64url'),
      };
    }
    return this.last.digest;
  }
}
