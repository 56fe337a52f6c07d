/**
 * Safe construction of PromQL label matchers. Values are always escaped as PromQL string
 * literals, so nothing a user types can close the string and change the query.
 */

/** A Kubernetes name used as a label value: an RFC 1123 DNS label. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isDnsLabel(value: string): boolean {
  return DNS_LABEL.test(value);
}

/** Throws when `value` is not a DNS label; a second line of defence behind the router's validation. */
export function assertDnsLabel(what: string, value: string): string {
  if (!isDnsLabel(value)) {
    throw new Error(
      `${what} '${value}' is not a valid Kubernetes name (lower-case letters, digits and '-', at most 63 characters)`,
    );
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
