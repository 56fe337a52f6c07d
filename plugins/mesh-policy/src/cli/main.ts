import fs from 'node:fs/promises';
import path from 'node:path';
import { type Fleet, parseFleet } from '@meshport/backstage-plugin-mesh-common';
import { analyzeFleet } from '../analyze/analyzeFleet';
import { ALL_CHECKS } from '../analyze/checks';
import type { Check } from '../analyze/types';
import { formatDiagnostic } from '../diagnostics';
import {
  legacyPolicyPath,
  legacyRenderedPath,
  policyPath,
  renderRepository,
} from '../render';
import { loadSchemaValidator } from '../translate/schemaCheck';
import { Policy, parsePolicyYaml, policyRef } from '../schema/policy';
import {
  annotation,
  CHECK_FORMATS,
  CheckFormat,
  blockingErrors,
  checkNotes,
  formatGithub,
  formatText,
  repositoryChange,
} from './check';
import { checkCodeOwners, runCodeOwners } from './codeowners';
import { listFiles, readFiles, syncDirectory } from './repository';
import { parseTraceArgs, runTrace } from './trace';

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

const USAGE = `usage:
  meshport-policy validate <repo> --fleet <fleet.json>
  meshport-policy render <repo> --fleet <fleet.json> [--check]
  meshport-policy check <repo> --fleet <fleet.json> [--owners <owners.json>] [--format text|github]
  meshport-policy codeowners <repo> --owners <owners.json> [--write]
  meshport-policy trace --fleet <fleet.json> --from <cluster>/<namespace>/<workload>
                  --to <host>:<port> [--path /p] [--method GET] [--header k=v]... [--repo <repo>]

validate    checks every policies/<namespace>/<service>/*.yaml against its schema and the fleet
render      writes rendered/<cluster>/<namespace>/<service>/<kind>-<name>.yaml for every policy
            (objects about no single service: rendered/<cluster>/<namespace>/<kind>-<name>.yaml);
            with --check, writes nothing and fails when rendered/ is out of date
check       analyses the fleet's live mesh config with the repository's render applied
            (what GitOps will make of it) and prints the findings; fails on errors.
            With --owners, also fails when CODEOWNERS is absent or out of date with it.
            --format github prints workflow-command annotations for GitHub Actions
codeowners  prints the CODEOWNERS that owners.json asks for ({ "default": ["@org/platform"],
            "services": { "<namespace>/<service>": ["@org/team"] }, "provider": "github"|"gitlab" });
            with --write, writes it to <repo>/CODEOWNERS
trace       shows where Istio sends the request, given what rendered/ of <repo> holds:
            the route, then one leg per line; fails when a leg fails`;

const defaultIo: CliIo = {
  stdout: line => process.stdout.write(`${line}\n`),
  stderr: line => process.stderr.write(`${line}\n`),
};

export interface CliOptions {
  /** The checks `check` runs: the engine's own unless a test gives others. */
  checks?: readonly Check[];
}

/** The CLI: returns the exit code rather than exiting, so tests can call it. */
export async function main(
  argv: string[],
  io: CliIo = defaultIo,
  options: CliOptions = {},
): Promise<number> {
  if (argv[0] === 'trace') return trace(argv.slice(1), io);
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`${args}\n\n${USAGE}`);
    return 2;
  }
  if (args.command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  try {
    if (args.command === 'codeowners')
      return await runCodeOwners(
        { repo: args.repo, owners: args.owners!, write: args.write },
        io,
      );
    return await run(args, io, options);
  } catch (e) {
    io.stderr(`meshport-policy: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

interface Args {
  command: 'validate' | 'render' | 'check' | 'codeowners' | 'help';
  repo: string;
  fleet: string;
  check: boolean;
  format: CheckFormat;
  /** The owners file: required by codeowners, optional for check. */
  owners?: string;
  write: boolean;
}

const COMMANDS = ['validate', 'render', 'check', 'codeowners'] as const;

function parseArgs(argv: string[]): Args | string {
  const [command, ...rest] = argv;
  if (
    !command ||
    command === 'help' ||
    command === '--help' ||
    command === '-h'
  ) {
    return {
      command: 'help',
      repo: '',
      fleet: '',
      check: false,
      format: 'text',
      write: false,
    };
  }
  if (!(COMMANDS as readonly string[]).includes(command))
    return `unknown command "${command}"`;
  const cmd = command as (typeof COMMANDS)[number];
  let repo: string | undefined;
  let fleet: string | undefined;
  let owners: string | undefined;
  let check = false;
  let write = false;
  let format: string = 'text';
  const takesOwners = cmd === 'check' || cmd === 'codeowners';
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--fleet' && cmd !== 'codeowners') fleet = rest[++i];
    else if (a.startsWith('--fleet=') && cmd !== 'codeowners')
      fleet = a.slice('--fleet='.length);
    else if (a === '--owners' && takesOwners) {
      if (i + 1 >= rest.length)
        return '--owners needs a value: the owners file (owners.json)';
      owners = rest[++i];
    } else if (a.startsWith('--owners=') && takesOwners)
      owners = a.slice('--owners='.length);
    else if (a === '--check' && cmd === 'render') check = true;
    else if (a === '--write' && cmd === 'codeowners') write = true;
    else if (a === '--format' && cmd === 'check') {
      if (i + 1 >= rest.length)
        return `--format needs a value: ${CHECK_FORMATS.join(' or ')}`;
      format = rest[++i];
    } else if (a.startsWith('--format=') && cmd === 'check')
      format = a.slice('--format='.length);
    else if (a.startsWith('-')) return `unknown option "${a}"`;
    else if (!repo) repo = a;
    else return `unexpected argument "${a}"`;
  }
  if (!repo) return 'missing <repo>: the policy repository directory';
  if (cmd === 'codeowners') {
    if (!owners)
      return 'missing --owners <owners.json>: the owners of each service, e.g. { "default": ["@acme/platform"], "services": { "bookinfo/reviews": ["@acme/reviews"] } }';
  } else if (!fleet)
    return 'missing --fleet <fleet.json>: a fleet export (GET /api/mesh/fleet)';
  if (!CHECK_FORMATS.includes(format as CheckFormat))
    return `--format must be ${CHECK_FORMATS.join(' or ')}, not "${format}"`;
  return {
    command: cmd,
    repo,
    fleet: fleet ?? '',
    check,
    format: format as CheckFormat,
    owners,
    write,
  };
}

async function run(
  args: Args,
  io: CliIo,
  options: CliOptions,
): Promise<number> {
  // A bad owners file is refused before the fleet is read and analysed.
  const ownersCheck =
    args.command === 'check' && args.owners
      ? await checkCodeOwners(args.repo, args.owners, args.format)
      : undefined;
  if (typeof ownersCheck === 'string') {
    io.stderr(ownersCheck);
    return 1;
  }
  const fleet = await loadFleet(args.fleet, io);
  if (!fleet) return 1;
  const root = path.resolve(args.repo);
  const sources = await readFiles(root, await listFiles(root, 'policies'));
  const policies: Policy[] = [];
  const fileOf = new Map<string, string>();
  // Policies at the layout before service folders: [where it is, where it belongs].
  const moves: [string, string][] = [];
  let failed = false;
  for (const [file, text] of Object.entries(sources)) {
    const parsed = parsePolicyYaml(text);
    if (!parsed.ok) {
      parsed.errors.forEach(e => io.stderr(`${file}:${formatDiagnostic(e)}`));
      failed = true;
      continue;
    }
    const expected = policyPath(parsed.policy);
    if (expected !== file) {
      if (file === legacyPolicyPath(parsed.policy)) {
        moves.push([file, expected]);
      } else {
        io.stderr(
          `${file}: this ${parsed.policy.kind} must live at ${expected} (policies/<destination namespace>/<destination service>/<kind>-<name>.yaml): move or rename the file`,
        );
      }
      failed = true;
      continue;
    }
    fileOf.set(policyRef(parsed.policy), file);
    policies.push(parsed.policy);
  }
  if (moves.length > 0) reportMoves(moves, args, io);
  if (Object.keys(sources).length === 0)
    io.stderr(
      `warning: no policies found under ${path.join(root, 'policies')}`,
    );

  const result = renderRepository(policies, fleet, {
    validateSchema: await loadSchemaValidator(),
  });
  const where = (ref?: string) =>
    ref ? fileOf.get(ref.split(',')[0]) ?? ref : 'fleet';
  for (const e of result.errors)
    io.stderr(`${where(e.policy)}:${e.path ? `${e.path}: ` : ' '}${e.message}`);
  for (const c of result.conflicts)
    io.stderr(`conflict (${c.policies.map(where).join(', ')}): ${c.message}`);
  for (const w of result.warnings)
    io.stderr(
      `warning: ${where(w.policy)}:${w.path ? `${w.path}: ` : ' '}${w.message}`,
    );
  if (args.command === 'check' && args.format === 'github') {
    // The same problems as annotations on the policy files, where the pull request shows them.
    const file = (ref?: string) => {
      const f = ref && fileOf.get(ref.split(',')[0]);
      return f ? path.posix.join(args.repo, f) : undefined;
    };
    for (const e of result.errors)
      io.stdout(
        annotation('error', file(e.policy), 'meshport-policy', e.message),
      );
    for (const c of result.conflicts)
      io.stdout(
        annotation('error', file(c.policies[0]), 'meshport-policy', c.message),
      );
    for (const w of result.warnings)
      io.stdout(
        annotation('warning', file(w.policy), 'meshport-policy', w.message),
      );
  }
  if (failed || !result.ok) {
    io.stderr(`${args.command} failed: fix the problems above`);
    return 1;
  }

  const rendered = Object.fromEntries(
    Object.entries(result.files).filter(([p]) => p.startsWith('rendered/')),
  );
  if (args.command === 'check') {
    // The render, not the files under rendered/, is what the repository means: a stale
    // rendered/ is render --check's to report.
    const change = repositoryChange(fleet, rendered);
    const checks = options.checks ?? ALL_CHECKS;
    const analysis = analyzeFleet(
      { fleet, proposed: change.proposed, removed: change.removed },
      checks,
    );
    const blocking = blockingErrors(
      analysis,
      analyzeFleet({ fleet }, checks),
      change,
    );
    const notes = checkNotes(analysis, change, args.fleet);
    const format = args.format === 'github' ? formatGithub : formatText;
    format(analysis, change, notes, args.repo, blocking).forEach(l =>
      io.stdout(l),
    );
    ownersCheck?.lines.forEach(l => io.stdout(l));
    return blocking.length > 0 || ownersCheck?.failed ? 1 : 0;
  }
  if (args.command === 'validate') {
    io.stdout(
      `${policies.length} policies valid; they render ${
        Object.keys(rendered).length
      } objects`,
    );
    return 0;
  }
  const existing = await readFiles(root, await listFiles(root, 'rendered'));
  if (args.check) {
    const stale = [
      ...new Set([...Object.keys(existing), ...Object.keys(rendered)]),
    ]
      .sort()
      .filter(p => existing[p] !== rendered[p]);
    const movedTo = movedRenderedFiles(rendered);
    // A file render moves is reported once, where it is.
    const moveTargets = new Set(
      [...movedTo].filter(([from]) => from in existing).map(([, to]) => to),
    );
    for (const p of stale.filter(f => !moveTargets.has(f))) {
      let why = 'out of date';
      if (!(p in existing)) why = 'missing';
      else if (movedTo.has(p))
        why = `at the layout before service folders: it now belongs at ${movedTo.get(
          p,
        )}, where render moves it`;
      else if (!(p in rendered)) why = 'no longer produced by any policy';
      io.stderr(`${p}: ${why}`);
    }
    if (stale.length > 0) {
      io.stderr(
        `rendered/ is out of date: run meshport-policy render ${args.repo} --fleet ${args.fleet} and commit the result`,
      );
      return 1;
    }
    io.stdout(
      `rendered/ is up to date (${Object.keys(rendered).length} objects)`,
    );
    return 0;
  }
  await syncDirectory(root, 'rendered', rendered, existing);
  const movedTo = movedRenderedFiles(rendered);
  const moved = Object.keys(existing).filter(p => movedTo.has(p)).length;
  io.stdout(
    `rendered ${Object.keys(rendered).length} objects from ${
      policies.length
    } policies${
      moved > 0
        ? `; moved ${moved} files of the layout before service folders into their service's folder`
        : ''
    }`,
  );
  return 0;
}

/**
 * Policies at the layout before service folders: one line each, then the commands that move
 * them all. The paths are made of DNS labels (policy names, namespaces, services), so they need
 * no shell quoting.
 */
function reportMoves(moves: [string, string][], args: Args, io: CliIo) {
  for (const [from, to] of moves)
    io.stderr(
      `${from}: at the layout before policies were filed under their destination service; it belongs at ${to}`,
    );
  io.stderr(
    `${moves.length} ${
      moves.length === 1 ? 'policy is' : 'policies are'
    } at the old layout (policies/<namespace>/<kind>-<name>.yaml). Move them, in the repository's root (${
      args.repo
    }), with:`,
  );
  for (const [from, to] of moves)
    io.stderr(`  mkdir -p ${path.posix.dirname(to)} && git mv ${from} ${to}`);
  io.stderr(
    `then run meshport-policy render ${args.repo} --fleet ${args.fleet}, which moves rendered/ to the new layout too, and commit the result`,
  );
}

/** Old-layout path → new path, for each rendered file that now sits in a service folder. */
function movedRenderedFiles(
  rendered: Record<string, string>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of Object.keys(rendered)) {
    const old = legacyRenderedPath(p);
    if (old && !(old in rendered)) out.set(old, p);
  }
  return out;
}

async function trace(rest: string[], io: CliIo): Promise<number> {
  const args = parseTraceArgs(rest);
  if (typeof args === 'string') {
    io.stderr(`${args}\n\n${USAGE}`);
    return 2;
  }
  try {
    const fleet = await loadFleet(args.fleet, io);
    if (!fleet) return 1;
    return await runTrace(args, fleet, io);
  } catch (e) {
    io.stderr(`meshport-policy: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

async function loadFleet(file: string, io: CliIo): Promise<Fleet | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    io.stderr(
      `${file}: cannot read the fleet export: ${
        e instanceof Error ? e.message : String(e)
      }`,
    );
    return undefined;
  }
  // The REST API wraps the fleet; accept both the bare and the wrapped form.
  const candidate =
    json && typeof json === 'object' && 'fleet' in json
      ? (json as { fleet: unknown }).fleet
      : json;
  const parsed = parseFleet(candidate);
  if (!parsed.ok) {
    parsed.errors.forEach(e => io.stderr(`${file}:${formatDiagnostic(e)}`));
    return undefined;
  }
  parsed.warnings.forEach(w =>
    io.stderr(`${file}: warning: ${formatDiagnostic(w)}`),
  );
  return parsed.fleet;
}
