import {
  MESHPORT_POLICIES_ANNOTATION,
  MESHPORT_POLICY_LABEL,
  MESHPORT_SPEC_HASH_ANNOTATION,
} from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../../diagnostics';
import { renderedFolder } from '../../../render';
import { renderedSpecHash } from '../../../specHash';
import type { ClusterObject } from '../../../verify/types';
import type { Check, FindingDraft } from '../../types';
import {
  annotationsOf,
  describeObject,
  list,
  namespaceOwners,
  nsOf,
  specOf,
} from './lookups';

/**
 * MESH205. A live object Meshport rendered (it carries the policy label and the spec-hash
 * annotation stamped at render time, translate/resources.ts) whose spec no longer hashes to
 * that annotation: someone changed it in the cluster, and the next render and apply will undo
 * the change, or the policy no longer says what the cluster does. Objects rendered before the
 * annotation existed carry none and are not judged. The hash is taken the way the render took
 * it (`renderedSpecHash`, which ignores what the API server does to a spec on the way in and
 * out), so an untouched object never looks edited. Objects a pull request proposes are what
 * it renders, not live, and are skipped.
 */
export const handEditedManagedObject: Check = {
  code: 'MESH205',
  severity: 'warning',
  title: 'A Meshport-managed object was edited by hand',
  run(ctx) {
    const drafts: FindingDraft[] = [];
    for (const cluster of ctx.clustersWithConfig()) {
      for (const o of ctx.objects(cluster)) {
        const policy = o.metadata.labels?.[MESHPORT_POLICY_LABEL];
        const annotations = annotationsOf(o);
        const expected = annotations[MESHPORT_SPEC_HASH_ANNOTATION];
        if (!policy || !expected || ctx.isProposed(cluster, o)) continue;
        const actual = renderedSpecHash(specOf(o), o);
        if (actual === expected) continue;
        drafts.push(draftOf(cluster, o, policy, annotations, expected, actual));
      }
    }
    return drafts;

    function draftOf(
      cluster: string,
      o: ClusterObject,
      policy: string,
      annotations: Record<string, string>,
      expected: string,
      actual: string,
    ): FindingDraft {
      const policies = (annotations[MESHPORT_POLICIES_ANNOTATION] ?? policy)
        .split(',')
        .map(p => p.trim())
        .filter(p => p !== '')
        .sort(compareStrings);
      // The live object does not say which service its file is filed under, only its folder.
      const folder = renderedFolder(cluster, nsOf(o));
      return {
        message:
          `${describeObject(cluster, o)} was rendered by Meshport from ` +
          `${policies.length > 1 ? 'policies' : 'policy'} ${list(
            policies,
          )}, but its live ` +
          `spec no longer matches what was rendered (rendered ${short(
            expected,
          )}, live ` +
          `${short(
            actual,
          )}): it was changed in the cluster by hand. The next apply of the ` +
          `policy repository will undo the change, and until then the policy does not say ` +
          `what the cluster does.`,
        fix:
          `Revert the change (apply ${o.kind} ${o.metadata.name} from ${folder}/ of the policy repository again), or, if the ` +
          `change is wanted, make it in ${list(
            policies,
          )} and render, so it goes through review.`,
        objects: [ctx.ref(cluster, o)],
        owners: namespaceOwners(ctx, [o]),
      };
    }
  },
};

/** `sha256:` and the first 12 hex digits: enough for a reader to compare the two. */
function short(hash: string): string {
  return hash.length > 19 ? `${hash.slice(0, 19)}…` : hash;
}
