import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, 'golden');

/**
 * Compares rendered files with the golden tree `golden/<scenario>/`, a mirror of the policy
 * repository. `UPDATE_GOLDEN=1` rewrites the tree instead; review the diff before committing.
 */
export function expectGolden(scenario: string, files: Record<string, string>) {
  const dir = path.join(ROOT, scenario);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    return;
  }
  const existing: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else
        existing[path.relative(dir, full).split(path.sep).join('/')] =
          fs.readFileSync(full, 'utf8');
    }
  };
  if (!fs.existsSync(dir))
    throw new Error(
      `no golden files for ${scenario}: run the tests with UPDATE_GOLDEN=1`,
    );
  walk(dir);
  expect(Object.keys(files).sort()).toEqual(Object.keys(existing).sort());
  for (const [rel, content] of Object.entries(files)) {
    expect(`${rel}:\n${content}`).toBe(`${rel}:\n${existing[rel]}`);
  }
}
