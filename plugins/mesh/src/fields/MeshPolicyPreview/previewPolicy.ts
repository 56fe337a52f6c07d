import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import {
  compile,
  CompileMemo,
  parsePolicy,
  policyDestinations,
  policyPath,
  renderedPath,
  toYaml,
} from '@meshport/backstage-plugin-mesh-policy';
import { describeDiagnostic } from './describeDiagnostic';
import { FormValues, policyFromForm, PreviewKind } from './policyFromForm';

/** One file of the pull request: its repository path and content. */
export interface PreviewFile {
  path: string;
  yaml: string;
}

export interface ClusterPreview {
  cluster: string;
  /** The rendered objects the policy adds to this cluster; empty when it changes nothing. */
  files: PreviewFile[];
}

export type PolicyPreview =
  /** Not enough filled in to build a policy. */
  | { state: 'incomplete'; message: string }
  /** A policy that fails its schema or names a service the fleet lacks: nothing to compile. */
  | { state: 'invalid'; problems: string[] }
  | {
      state: 'compiled';
      policy: PreviewFile;
      clusters: ClusterPreview[];
      /** Errors and conflicts: each makes the action refuse; none = it would accept. */
      problems: string[];
      /** Warnings: worth reading, stop nothing. */
      notes: string[];
    }
  /** The compiler threw; a preview must never take the form down with it. */
  | { state: 'failed'; message: string };

/**
 * What the request would add, per cluster, compiled in the browser the way the scaffolder
 * action compiles it: the form's policy against the fleet. The policies already in the
 * repository are not known here; the action checks those when it runs. `memo` is the form's
 * own, kept across keystrokes: what an edit leaves unchanged is not compiled again.
 */
export function previewPolicy(
  kind: PreviewKind,
  form: FormValues,
  fleet: Fleet,
  memo?: CompileMemo,
): PolicyPreview {
  try {
    const built = policyFromForm(kind, form);
    if (!built.ok) return { state: 'incomplete', message: built.missing };
    const describe = (d: Parameters<typeof describeDiagnostic>[0]) =>
      describeDiagnostic(d, built.fieldLabels);

    const parsed = parsePolicy(built.document);
    if (!parsed.ok) {
      return { state: 'invalid', problems: parsed.errors.map(describe) };
    }
    const policy = parsed.policy;
    const { namespace, service } = policy.spec.destination;
    if (
      !fleet.services.some(s => s.namespace === namespace && s.name === service)
    ) {
      return {
        state: 'invalid',
        problems: [
          `Service: no service ${namespace}/${service} in any cluster of the fleet; pick one the mesh knows, or wait for discovery if it was just deployed`,
        ],
      };
    }

    const result = compile([policy], fleet, { memo });
    const destinations = policyDestinations([policy]);
    const names = new Set([
      ...fleet.clusters.map(c => c.name),
      ...Object.keys(result.resources),
    ]);
    const clusters = [...names].sort().map(cluster => ({
      cluster,
      files: (result.resources[cluster] ?? []).map(r => ({
        path: renderedPath(cluster, r, destinations),
        yaml: toYaml(r),
      })),
    }));
    return {
      state: 'compiled',
      policy: { path: policyPath(policy), yaml: toYaml(policy) },
      clusters,
      problems: [
        ...result.errors.map(describe),
        ...result.conflicts.map(c => c.message),
      ],
      notes: result.warnings.map(describe),
    };
  } catch (e) {
    return {
      state: 'failed',
      message: e instanceof Error ? e.message : String(e),
    };
  }
}
