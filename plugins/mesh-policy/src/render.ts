import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { compile, CompileOptions, CompileResult } from './compile';
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
 * for previews; whoever writes them (CLI, scaffolder action) must refuse unless `ok`.
 */
export function renderRepository(
  policies: Policy[],
  fleet: Fleet,
  options: CompileOptions = {},
): RenderResult {
  const { resources, ...diagnostics } = compile(policies, fleet, options);
  const files: Record<string, string> = {};
  for (const p of policies) files[policyPath(p)] = toYaml(p);
  for (const [cluster, list] of Object.entries(resources)) {
    for (const r of list) files[renderedPath(cluster, r)] = toYaml(r);
  }
  const sorted: Record<string, string> = {};
  for (const path of Object.keys(files).sort(compareStrings))
    sorted[path] = files[path];
  return { ...diagnostics, files: sorted };
}
