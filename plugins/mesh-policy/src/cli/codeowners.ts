import fs from 'node:fs/promises';
import path from 'node:path';
import {
  codeOwnersDifference,
  CodeOwnersInput,
  CodeOwnersProvider,
  codeOwnersStatus,
  renderCodeOwners,
} from '../codeowners';
import { annotation, CheckFormat } from './check';

/** Where Meshport keeps CODEOWNERS: the repository's root, which both providers read. */
export const CODEOWNERS_FILE = 'CODEOWNERS';

/**
 * Files the provider reads before the root one: GitHub takes the first of `.github/`, the root
 * and `docs/` (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#codeowners-file-location);
 * GitLab the first of the root, `docs/` and `.gitlab/` (FILE_PATHS in GitLab's
 * ee/lib/gitlab/code_owners.rb), so nothing shadows the root there.
 */
const SHADOWING: Record<CodeOwnersProvider, string[]> = {
  github: ['.github/CODEOWNERS'],
  gitlab: [],
};

/**
 * The owners file (`--owners`): `{ "provider"?: "github" | "gitlab", "default": ["@acme/platform"],
 * "services": { "<namespace>/<service>": ["@acme/team-a"] } }`, from the catalog or written by hand.
 * Returns the CODEOWNERS input, or what is wrong with the file.
 */
export function parseOwnersFile(
  text: string,
  file: string,
): CodeOwnersInput | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return `${file}: not JSON (${e instanceof Error ? e.message : String(e)})`;
  }
  const shape = `expected { "default": ["@org/team"], "services": { "<namespace>/<service>": ["@org/team"] } }`;
  if (!json || typeof json !== 'object' || Array.isArray(json))
    return `${file}: ${shape}`;
  const {
    provider = 'github',
    default: defaults,
    services = {},
  } = json as {
    provider?: unknown;
    default?: unknown;
    services?: unknown;
  };
  if (provider !== 'github' && provider !== 'gitlab')
    return `${file}: "provider" must be "github" or "gitlab", not ${JSON.stringify(
      provider,
    )}`;
  const list = (v: unknown) =>
    Array.isArray(v) && v.every(o => typeof o === 'string')
      ? (v as string[])
      : undefined;
  const defaultOwners = list(defaults);
  if (!defaultOwners)
    return `${file}: "default" must be a list of owners, e.g. ["@acme/platform"]; ${shape}`;
  if (!services || typeof services !== 'object' || Array.isArray(services))
    return `${file}: "services" must map "<namespace>/<service>" to a list of owners; ${shape}`;
  const entries: CodeOwnersInput['services'][number][] = [];
  for (const [key, value] of Object.entries(services)) {
    const parts = key.split('/');
    const owners = list(value);
    if (parts.length !== 2)
      return `${file}: services: "${key}" must be "<namespace>/<service>", e.g. "bookinfo/reviews"`;
    if (!owners)
      return `${file}: services: "${key}" must be a list of owners, e.g. ["@acme/team-a"]`;
    entries.push({ namespace: parts[0], service: parts[1], owners });
  }
  return { provider, defaultOwners, services: entries };
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The expected CODEOWNERS from an owners file, or what is wrong with it (read or content). */
export async function expectedCodeOwners(
  ownersFile: string,
): Promise<{ input: CodeOwnersInput; text: string } | string> {
  let raw: string;
  try {
    raw = await fs.readFile(ownersFile, 'utf8');
  } catch (e) {
    return `${ownersFile}: cannot read the owners file: ${
      e instanceof Error ? e.message : String(e)
    }`;
  }
  const input = parseOwnersFile(raw, ownersFile);
  if (typeof input === 'string') return input;
  try {
    return { input, text: renderCodeOwners(input) };
  } catch (e) {
    return `${ownersFile}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

const serviceCount = (input: CodeOwnersInput) =>
  `${input.services.length} ${
    input.services.length === 1 ? 'service' : 'services'
  }`;

/** `meshport-policy codeowners <repo> --owners <owners.json> [--write]`. */
export async function runCodeOwners(
  args: { repo: string; owners: string; write: boolean },
  io: { stdout(line: string): void; stderr(line: string): void },
): Promise<number> {
  const expected = await expectedCodeOwners(args.owners);
  if (typeof expected === 'string') {
    io.stderr(expected);
    return 1;
  }
  if (!args.write) {
    io.stdout(expected.text.replace(/\n$/, ''));
    return 0;
  }
  const root = path.resolve(args.repo);
  const shadow = await shadowingFile(root, expected.input.provider);
  if (shadow) {
    io.stderr(shadowMessage(shadow, expected.input.provider));
    return 1;
  }
  const target = path.join(root, CODEOWNERS_FILE);
  const current = await readOptional(target);
  if (current !== expected.text) await fs.writeFile(target, expected.text);
  io.stdout(
    `${path.join(args.repo, CODEOWNERS_FILE)}: ${
      current === expected.text ? 'unchanged' : 'written'
    } (${serviceCount(expected.input)})`,
  );
  return 0;
}

async function shadowingFile(
  root: string,
  provider: CodeOwnersProvider,
): Promise<string | undefined> {
  for (const f of SHADOWING[provider])
    if ((await readOptional(path.join(root, f))) !== undefined) return f;
  return undefined;
}

function shadowMessage(shadow: string, provider: CodeOwnersProvider): string {
  return `${shadow}: ${
    provider === 'github' ? 'GitHub' : 'GitLab'
  } reads this file before ${CODEOWNERS_FILE}, so Meshport's rules there do not apply: delete it (move any rule it holds to the catalog)`;
}

/**
 * The CODEOWNERS part of `check --owners`: lines for the report (text, or GitHub annotations on
 * the file), and whether it fails: CODEOWNERS absent, out of date, or shadowed.
 */
export async function checkCodeOwners(
  repo: string,
  ownersFile: string,
  format: CheckFormat,
): Promise<{ failed: boolean; lines: string[] } | string> {
  const expected = await expectedCodeOwners(ownersFile);
  if (typeof expected === 'string') return expected;
  const root = path.resolve(repo);
  const file = path.posix.join(repo.split(path.sep).join('/'), CODEOWNERS_FILE);
  const fix = `run meshport-policy codeowners ${repo} --owners ${ownersFile} --write and commit the result`;
  const problems: string[] = [];
  const shadow = await shadowingFile(root, expected.input.provider);
  if (shadow) problems.push(shadowMessage(shadow, expected.input.provider));
  const current = await readOptional(path.join(root, CODEOWNERS_FILE));
  const status = codeOwnersStatus(current, expected.text);
  if (status === 'absent')
    problems.push(
      `${CODEOWNERS_FILE} is absent: no one's review is required for any service's policies; ${fix}`,
    );
  else if (status === 'out-of-date') {
    const d = codeOwnersDifference(current!, expected.text);
    const what = [
      ...(d.services.length > 0
        ? [`the rules of ${d.services.join(', ')}`]
        : []),
      ...(d.patterns.length > 0 ? [`the rules ${d.patterns.join(', ')}`] : []),
      ...(d.reordered ? ['the order of the rules'] : []),
    ].join(' and ');
    problems.push(
      `${CODEOWNERS_FILE} is out of date with the catalog: ${what} differ from what Meshport writes; ${fix}`,
    );
  }
  let lines: string[];
  if (format === 'github')
    lines = problems.map(p => annotation('error', file, 'CODEOWNERS', p));
  else if (problems.length > 0)
    lines = ['', ...problems.map(p => `error: ${p}`)];
  else
    lines = [
      '',
      `${CODEOWNERS_FILE} is current (${serviceCount(expected.input)})`,
    ];
  return { failed: problems.length > 0, lines };
}
