/**
 * Safe construction of PromQL label matchers. Values are always escaped as PromQL string
 * literals, so nothing a user types can close the string and change the query.
 */
import {
  nameProblem,
  type NameRule,
} from '@meshport/backstage-plugin-mesh-common';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Throws when `value` breaks the Kubernetes name `rule`: a second line of defence behind the
 * router's validation, so nothing but a name reaches a query.
 */
export function assertKubernetesName(
  what: string,
  value: string,
  rule: NameRule,
): string {
  const problem = nameProblem(what, value, rule);
  if (problem) {
    throw new Error(problem);
  }
  return value;
}

/**
 * Escapes a value for a double-quoted PromQL string. PromQL strings follow Go's escaping,
 * where backslash, the quote itself and a raw newline are what can break out of or
 * corrupt the literal.
 */
export function escapeLabelValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

/** Escapes RE2 metacharacters so a literal value can be one branch of a `=~` matcher. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  label: string;
  op: MatchOp;
  value: string;
}

export const eq = (label: string, value: string): LabelMatcher => ({
  label,
  op: '=',
  value,
});

/** Matches any of the literal `values` (escaped as regex, then as a string). */
export const oneOf = (label: string, values: string[]): LabelMatcher => ({
  label,
  op: '=~',
  value: values.map(escapeRegex).join('|'),
});

/** A matcher whose value is a regex written by us, never by a user. */
export const matchesTrustedRegex = (
  label: string,
  regex: string,
): LabelMatcher => ({ label, op: '=~', value: regex });

/** The negation of `matchesTrustedRegex`. */
export const notMatchingTrustedRegex = (
  label: string,
  regex: string,
): LabelMatcher => ({ label, op: '!~', value: regex });

function labelName(label: string): string {
  if (!LABEL_NAME.test(label)) {
    throw new Error(`'${label}' is not a valid Prometheus label name`);
  }
  return label;
}

export function renderMatcher(m: LabelMatcher): string {
  return `${labelName(m.label)}${m.op}"${escapeLabelValue(m.value)}"`;
}

/** `metric{a="b",c=~"d|e"}` */
export function selector(metric: string, matchers: LabelMatcher[]): string {
  labelName(metric);
  return `${metric}{${matchers.map(renderMatcher).join(',')}}`;
}

/** `by (a, b)` from label names, validated. */
export function byClause(labels: string[]): string {
  return `by (${labels.map(labelName).join(', ')})`;
}
