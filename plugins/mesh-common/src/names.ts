/**
 * The name rules Kubernetes itself enforces, checked where names enter Meshport (cluster
 * names from config, object names and namespaces from clusters, path parameters, action
 * inputs), so a bad name is refused once, with a message naming it and the rule, instead of
 * failing somewhere downstream. This module is the only place the rules are written: every
 * package checks names through it.
 *
 * The rules and limits are those of k8s.io/apimachinery/pkg/util/validation/validation.go
 * (`IsDNS1123Label`, `IsDNS1123Subdomain`, `IsDNS1035Label`); which kind uses which is
 * k8s.io/apimachinery/pkg/api/validation/generic.go (`NameIsDNSSubdomain`, `NameIsDNSLabel`,
 * `NameIsDNS1035Label`) and kubernetes/pkg/apis/core/validation/validation.go
 * (`ValidateNamespaceName` = DNS-1123 label, `ValidateServiceName` = DNS-1035 label).
 */

/** `DNS1123LabelMaxLength`; `DNS1035LabelMaxLength` is the same. */
export const DNS1123_LABEL_MAX_LENGTH = 63;
/** `DNS1123SubdomainMaxLength` */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

/**
 * `dns1123LabelFmt`, unanchored, for composing patterns such as `<namespace>/<name>` (the
 * scaffolder's JSON-schema `pattern`). It does not bound the length: check that apart.
 */
export const DNS1123_LABEL_PATTERN = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
/** `dns1035LabelFmt`: a DNS-1123 label that starts with a letter. */
export const DNS1035_LABEL_PATTERN = '[a-z]([-a-z0-9]*[a-z0-9])?';

/** A whole DNS-1123 label, length aside (`DNS1123_LABEL_MAX_LENGTH`). */
export const DNS1123_LABEL_REGEX = new RegExp(`^${DNS1123_LABEL_PATTERN}$`);
/** A whole DNS-1123 subdomain, length aside (`DNS1123_SUBDOMAIN_MAX_LENGTH`). */
export const DNS1123_SUBDOMAIN_REGEX = new RegExp(
  `^${DNS1123_LABEL_PATTERN}(\\.${DNS1123_LABEL_PATTERN})*$`,
);
const DNS1035_LABEL_REGEX = new RegExp(`^${DNS1035_LABEL_PATTERN}$`);

/** The rule a name must follow, by the name it goes by in Kubernetes' own messages. */
export type NameRule = 'dns1123-label' | 'dns1123-subdomain' | 'dns1035-label';

export const NAME_RULES: Record<NameRule, string> = {
  'dns1123-label':
    "a DNS-1123 label: at most 63 characters, lowercase letters, digits and '-', starting and ending with a letter or digit",
  'dns1123-subdomain':
    "a DNS-1123 subdomain: at most 253 characters, lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit",
  'dns1035-label':
    "a DNS-1035 label: at most 63 characters, lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
};

/**
 * Namespaces are DNS-1123 labels (`ValidateNamespaceName`).
 */
export const NAMESPACE_NAME_RULE: NameRule = 'dns1123-label';

/**
 * Service names: Kubernetes validates them as DNS-1035 labels (`ValidateServiceName`), but
 * from 1.34 the `RelaxedServiceNameValidation` gate (KEP-5311) lets a cluster accept any
 * DNS-1123 label, i.e. names starting with a digit. Meshport reads Services that clusters have
 * already admitted, so it takes the wider rule: the narrower one would hide such a Service.
 */
export const SERVICE_NAME_RULE: NameRule = 'dns1123-label';

/**
 * Meshport's own rule for Backstage cluster names: they become directory names of the policy
 * repository, path parameters and label values, so they must be DNS-1123 labels.
 */
export const CLUSTER_NAME_RULE: NameRule = 'dns1123-label';

/** True when `value` is a string that is a DNS-1123 label (`IsDNS1123Label`). */
export function isDnsLabel(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= DNS1123_LABEL_MAX_LENGTH &&
    DNS1123_LABEL_REGEX.test(value)
  );
}

/** True when `value` is a string that is a DNS-1123 subdomain (`IsDNS1123Subdomain`). */
export function isDnsSubdomain(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= DNS1123_SUBDOMAIN_MAX_LENGTH &&
    DNS1123_SUBDOMAIN_REGEX.test(value)
  );
}

/** True when `value` is a string that is a DNS-1035 label (`IsDNS1035Label`). */
export function isDns1035Label(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= DNS1123_LABEL_MAX_LENGTH &&
    DNS1035_LABEL_REGEX.test(value)
  );
}

const CHECKS: Record<NameRule, (value: unknown) => value is string> = {
  'dns1123-label': isDnsLabel,
  'dns1123-subdomain': isDnsSubdomain,
  'dns1035-label': isDns1035Label,
};

export function followsRule(rule: NameRule, value: unknown): value is string {
  return CHECKS[rule](value);
}

/** How a value is shown in a message: strings quoted, anything else as JSON, cut short. */
export function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Why `value` is not a valid name of `what` under `rule`, or undefined when it is, e.g.
 * `cluster name "Prod Cluster" is not a DNS-1123 label: at most 63 characters, …`.
 */
export function nameProblem(
  what: string,
  value: unknown,
  rule: NameRule,
): string | undefined {
  if (followsRule(rule, value)) return undefined;
  if (value === undefined || value === null || value === '')
    return `${what} is missing`;
  if (typeof value !== 'string')
    return `${what} ${describeValue(value)} is not a string`;
  return `${what} ${describeValue(value)} is not ${NAME_RULES[rule]}`;
}
