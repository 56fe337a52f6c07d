import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function frameKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    ? `${path.relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${
        lineNumber + 1
      }`
    : '';
  return `${functionName || '(anonymous)'} ${where}`;
}

/**
 * Time per function of a `--cpu-prof` profile, heaviest first: self time, or with
 * `inclusive` the time of every sample with the function anywhere on its stack (each sample
 * counted once per function, recursion included), which says what a step costs with
 * everything it calls — e.g. a store's check with the derivation under it.
 */
export function summarizeProfile(
  file: string,
  top = 25,
  options: { inclusive?: boolean } = {},
): string[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes)
    for (const child of n.children ?? []) parent.set(child, n.id);
  const time = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const keys = new Set<string>();
    for (
      let node: number | undefined = id;
      node !== undefined;
      node = options.inclusive ? parent.get(node) : undefined
    )
      keys.add(frameKey(byId.get(node)!));
    for (const key of keys) time.set(key, (time.get(key) ?? 0) + dt);
  });
  return [...time.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([k, us]) =>
        `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total)
          .toFixed(1)
          .padStart(5)}%  ${k}`,
    );
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const inclusive = args.includes('--inclusive');
  const [file, top] = args.filter(a => a !== '--inclusive');
  for (const line of summarizeProfile(file, Number(top ?? 25), { inclusive }))
    console.log(line);
}
