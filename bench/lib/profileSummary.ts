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

/** Self time per function of a `--cpu-prof` profile, heaviest first. */
export function summarizeProfile(file: string, top = 25): string[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${path.relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${
          lineNumber + 1
        }`
      : '';
    const key = `${functionName || '(anonymous)'} ${where}`;
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self.entries()]
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
  for (const line of summarizeProfile(
    process.argv[2],
    Number(process.argv[3] ?? 25),
  ))
    console.log(line);
}
