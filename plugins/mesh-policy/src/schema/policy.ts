import { z } from 'zod';
import { parseAllDocuments } from 'yaml';
import { Diagnostic } from '../diagnostics';
import { POLICY_API_VERSION } from '../constants';
import { trafficPolicySchema, TrafficPolicy } from './trafficPolicy';
import { accessPolicySchema, AccessPolicy } from './accessPolicy';
import {
  virtualDestinationSchema,
  VirtualDestination,
} from './virtualDestination';

export type Policy = TrafficPolicy | AccessPolicy | VirtualDestination;
export type PolicyKind = Policy['kind'];

export const POLICY_KINDS: PolicyKind[] = [
  'AccessPolicy',
  'TrafficPolicy',
  'VirtualDestination',
];

const schemas = {
  TrafficPolicy: trafficPolicySchema,
  AccessPolicy: accessPolicySchema,
  VirtualDestination: virtualDestinationSchema,
} as const;

export type ParseResult =
  | { ok: true; policy: Policy }
  | { ok: false; errors: Diagnostic[] };

/** `<kind>.<namespace>.<name>`, lower-case kind: the value of the `meshport.dev/policy` label. */
export function policyRef(p: {
  kind: string;
  metadata: { name: string; namespace: string };
}): string {
  return `${p.kind.toLowerCase()}.${p.metadata.namespace}.${p.metadata.name}`;
}

const MAX_LABEL_VALUE = 63;

/** Validates an already-decoded document (JSON, YAML, a form's state) as a policy. */
export function parsePolicy(input: unknown): ParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail(
      '',
      'a policy must be an object with apiVersion, kind, metadata and spec',
    );
  }
  const doc = input as Record<string, unknown>;
  if (doc.apiVersion !== POLICY_API_VERSION) {
    return fail(
      'apiVersion',
      `apiVersion must be ${POLICY_API_VERSION}, got ${describe(
        doc.apiVersion,
      )}`,
    );
  }
  const kind = doc.kind;
  if (typeof kind !== 'string' || !(kind in schemas)) {
    return fail(
      'kind',
      `kind must be one of ${POLICY_KINDS.join(', ')}, got ${describe(kind)}`,
    );
  }
  const result = schemas[kind as PolicyKind].safeParse(input);
  if (!result.success) {
    return { ok: false, errors: result.error.issues.map(issueToDiagnostic) };
  }
  const policy = result.data as Policy;
  const ref = policyRef(policy);
  if (ref.length > MAX_LABEL_VALUE) {
    const room = MAX_LABEL_VALUE - (ref.length - policy.metadata.name.length);
    return fail(
      'metadata.name',
      `"${ref}" must fit a 63-character label value: shorten the name to at most ${Math.max(
        room,
        1,
      )} characters`,
    );
  }
  return { ok: true, policy };
}

/** Parses one YAML document holding one policy. */
export function parsePolicyYaml(text: string): ParseResult {
  if (text.length > 256 * 1024) {
    return fail(
      '',
      'the file is larger than 256 KiB: one policy per file, a few kilobytes each',
    );
  }
  const docs = parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(docs)) {
    return fail('', 'the file holds no YAML document');
  }
  const nonEmpty = docs.filter(d => d.contents !== null || d.errors.length > 0);
  if (nonEmpty.length !== 1) {
    return fail(
      '',
      `a policy file holds exactly one YAML document, found ${nonEmpty.length}: split it into one file per policy`,
    );
  }
  const doc = nonEmpty[0];
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    return fail(
      '',
      `invalid YAML at line ${e.linePos?.[0]?.line ?? '?'}: ${
        e.message.split('\n')[0]
      }`,
    );
  }
  // Aliases could expand a small file into a huge object; policies never need them.
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 });
  } catch {
    return fail(
      '',
      'YAML anchors and aliases (& and *) are not allowed in a policy: write the values out',
    );
  }
  return parsePolicy(value);
}

function fail(path: string, message: string): ParseResult {
  return { ok: false, errors: [{ path, message }] };
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function issueToDiagnostic(issue: z.core.$ZodIssue): Diagnostic {
  const path = issue.path.map(String).join('.');
  switch (issue.code) {
    case 'unrecognized_keys':
      return {
        path,
        message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys
          .map(k => `"${k}"`)
          .join(', ')}: remove ${
          issue.keys.length > 1 ? 'them' : 'it'
        } or check the spelling`,
      };
    case 'invalid_type':
      if (issue.message.endsWith('received undefined')) {
        return { path, message: `is required (${issue.expected})` };
      }
      return { path, message: issue.message.replace(/^Invalid input: /, '') };
    case 'invalid_value':
      return {
        path,
        message: `must be one of ${issue.values
          .map(v => JSON.stringify(v))
          .join(', ')}`,
      };
    default:
      return { path, message: issue.message };
  }
}
