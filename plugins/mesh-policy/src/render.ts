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
import { Policy } from './schema/policy';
import { toYaml } from './yaml';

export interface RenderResult extends Omit<CompileResult, 'resources'> {
  /** Repository-relative path → file content, sorted by path. */
  files: Record<string, string>;
}

export function policyPath(p: Policy): string {
  return `policies/${p.metadata.namespace}/${p.kind.toLowerCase()}-${
    p.metadata.name
  }.yaml`;
}

export function renderedPath(
  cluster: string,
  r: { kind: string; metadata: { namespace: string; name: string } },
): string {
  return `rendered/${cluster}/${r.metadata.namespace}/${r.kind.toLowerCase()}-${
    r.metadata.name
  }.yaml`;
}

/**
 * The files of a policy repository for a set of policies: each policy under `policies/` and each
 * object it compiles to under `rendered/<cluster>/`. Files are produced even when `ok` is false,
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
  // As compile reads the policy it compiles, the file is the policy's JSON at this call.
  for (const p of policies) {
    files.set(
      policyPath(p),
      memo ? memo.policyYaml.through(json.get(p)!, () => toYaml(p)) : toYaml(p),
    );
  }
  for (const o of objects) {
    const [path, text] = (o.file ??= [
      renderedPath(o.cluster, o.resource),
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
