import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** How the Helm chart tunes the backend's process: its Node flags and allocator settings. */
export interface ChartProcessTuning {
  /** `NODE_OPTIONS` as the chart sets it, split into flags (e.g. the heap limit). */
  nodeOptions: string[];
  /** The glibc allocator's variables the chart sets (`MALLOC_*`). */
  env: Record<string, string>;
}

interface EnvVar {
  name: string;
  value?: string;
}

/**
 * What deploy/helm/values.yaml sets for the backend's process, so the API bench's server
 * runs as a deployed replica does: the chart's `NODE_OPTIONS` and `MALLOC_*` variables
 * (the plain values; secrets are not process tuning). Read from the chart, not copied, so
 * a change to the chart is measured by the next run.
 */
export function chartProcessTuning(root: string): ChartProcessTuning {
  const values = parse(
    fs.readFileSync(path.join(root, 'deploy/helm/values.yaml'), 'utf8'),
  ) as { backstage?: { extraEnvVars?: EnvVar[] } };
  const tuning: ChartProcessTuning = { nodeOptions: [], env: {} };
  for (const { name, value } of values.backstage?.extraEnvVars ?? []) {
    if (value === undefined) continue;
    if (name === 'NODE_OPTIONS')
      tuning.nodeOptions = value.split(/\s+/).filter(Boolean);
    else if (name.startsWith('MALLOC_')) tuning.env[name] = value;
  }
  return tuning;
}

/** The heap limit among Node flags (`--max-old-space-size=N`), in MiB; 0 when none. */
export function heapLimitMiB(flags: string[]): number {
  for (const flag of flags) {
    const match = /^--max-old-space-size=(\d+)$/.exec(flag);
    if (match) return Number(match[1]);
  }
  return 0;
}
