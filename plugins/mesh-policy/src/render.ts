import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import {
  CompileOptions,
  compileObjects,
  CompileResult,
  memoInputs,
  policyJson,
  prepareContext,
} from './compile';
import { compareStrings } from './diagnostics';
import { POLICIES_ANNOTATION } from './constants';
import type { Destination } from './schema/common';
import { Policy, policyRef } from './schema/policy';
import { toYaml } from './yaml';

export interface RenderResult extends Omit<CompileResult, 'resources'> {
  /** Repository-relative path → file content, sorted by path. */
  files: Record<string, string>;
}

/**
 * Where a policy lives: under its destination service, `policies/<namespace>/<service>/`, so a
 * CODEOWNERS rule for that folder makes the destination's owners review every change to the
 * service's policies (GitHub and GitLab match code owners by path). A policy written in another
 * namespace than its destination's still sits under the destination, one folder deeper, named
 * after its own namespace: a same-named policy of the destination's namespace stays apart.
 */
export function policyPath(p: Policy): string {
  const { namespace, service } = p.spec.destination;
  const file = `${p.kind.toLowerCase()}-${p.metadata.name}.yaml`;
  return p.metadata.namespace === namespace
    ? `policies/${namespace}/${service}/${file}`
    : `policies/${namespace}/${service}/${p.metadata.namespace}/${file}`;
}

/** Policy ref → the service it is about (`spec.destination`, for every kind). */
export type PolicyDestinations = ReadonlyMap<string, Destination>;

/** The destination of each policy, by ref; of two policies sharing a ref, the first (as compile). */
export function policyDestinations(
  policies: readonly Policy[],
): PolicyDestinations {
  const out = new Map<string, Destination>();
  for (const p of policies) {
    const ref = policyRef(p);
    if (!out.has(ref)) out.set(ref, p.spec.destination);
  }
  return out;
}

/** A rendered object: what its file name and folder are made of. */
export interface RenderedFileSubject {
  kind: string;
  metadata: {
    namespace: string;
    name: string;
    annotations?: Record<string, string>;
  };
}

/**
 * The service a rendered object is about: the one destination of every policy that contributed
 * to it (the policies annotation), when the object lives in that destination's namespace.
 * Undefined for an object several destinations share (the federation Gateway of istio-system)
 * and for one in another namespace, whose folder would otherwise name a same-named service of
 * that namespace: those stay at the namespace's root, under the repository's default owners.
 */
export function renderedService(
  r: RenderedFileSubject,
  destinations: PolicyDestinations,
): string | undefined {
  const refs = (r.metadata.annotations?.[POLICIES_ANNOTATION] ?? '')
    .split(',')
    .filter(ref => ref !== '');
  let found: Destination | undefined;
  for (const ref of refs) {
    const d = destinations.get(ref);
    if (!d) return undefined;
    if (
      found &&
      (found.namespace !== d.namespace || found.service !== d.service)
    )
      return undefined;
    found = d;
  }
  return found && found.namespace === r.metadata.namespace
    ? found.service
    : undefined;
}

/**
 * Where a rendered object lives: `rendered/<cluster>/<namespace>/<service>/<kind>-<name>.yaml`
 * for an object about one service (`renderedService`), else
 * `rendered/<cluster>/<namespace>/<kind>-<name>.yaml`.
 */
export function renderedPath(
  cluster: string,
  r: RenderedFileSubject,
  destinations: PolicyDestinations,
): string {
  const service = renderedService(r, destinations);
  const file = `${r.kind.toLowerCase()}-${r.metadata.name}.yaml`;
  return service
    ? `${renderedFolder(cluster, r.metadata.namespace)}/${service}/${file}`
    : `${renderedFolder(cluster, r.metadata.namespace)}/${file}`;
}

/** The folder of one namespace of one cluster under `rendered/`. */
export function renderedFolder(cluster: string, namespace: string): string {
  return `rendered/${cluster}/${namespace}`;
}

/**
 * Where a policy lived before policies were filed under their destination service
 * (`policies/<namespace>/<kind>-<name>.yaml`): the CLI recognises it to say how to move the file.
 */
export function legacyPolicyPath(p: Policy): string {
  return `policies/${p.metadata.namespace}/${p.kind.toLowerCase()}-${
    p.metadata.name
  }.yaml`;
}

/**
 * Where the layout before service folders put a rendered file that now lives in a service
 * folder (`rendered/<cluster>/<namespace>/<kind>-<name>.yaml`), else undefined.
 */
export function legacyRenderedPath(path: string): string | undefined {
  const m = /^(rendered\/[^/]+\/[^/]+)\/[^/]+\/([^/]+\.yaml)$/.exec(path);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/**
 * The files of a policy repository for a set of policies: each policy under `policies/` and each
 * object it compiles to under `rendered/<cluster>/` (`policyPath`, `renderedPath`). Files are produced even when `ok` is false,
 * for previews; whoever writes them (CLI, scaffolder action) must refuse unless `ok`. With a
 * memo (`options.memo`), YAML of unchanged policies and objects is reused as well.
 */
export function renderRepository(
  policies: Policy[],
  fleet: Fleet,
  options: CompileOptions = {},
): RenderResult {
  const { memo } = options;
  const given = policyJson(policies);
  // The same policies, in the same order, with the same fleet and options as a render the memo
  // holds: that result, as is (the scaffolder renders the unchanged repository per request).
  const key = memo && [...given.values()].join('\u0000');
  if (memo && key && memo.holds(memoInputs(fleet, options))) {
    if (memo.renders.has(key)) {
      memo.begin(memoInputs(fleet, options), prepareContext);
      const kept = memo.renders.get(key) as RenderResult;
      memo.end();
      return kept;
    }
  }
  const {
    resources: _resources,
    objects,
    json,
    ...diagnostics
  } = compileObjects(policies, fleet, options, given);
  const files = new Map<string, string>();
  const destinations = policyDestinations(policies);
  // As compile reads the policy it compiles, the file is the policy's JSON at this call.
  for (const p of policies) {
    files.set(
      policyPath(p),
      memo ? memo.policyYaml.through(json.get(p)!, () => toYaml(p)) : toYaml(p),
    );
  }
  for (const o of objects) {
    const [path, text] = (o.file ??= [
      renderedPath(o.cluster, o.resource, destinations),
      toYaml(o.resource),
    ]);
    files.set(path, text);
  }
  const order = memo
    ? memo.sorted('files', files.keys())
    : [...files.keys()].sort(compareStrings);
  const sorted: Record<string, string> = {};
  for (const path of order) sorted[path] = files.get(path)!;
  const result: RenderResult = { ...diagnostics, files: sorted };
  if (memo && key) memo.renders.set(key, result);
  memo?.end();
  return result;
}
