/**
 * The name rules Kubernetes itself enforces, checked where names enter Meshport (cluster
 * names from config, object names and namespaces from clusters), so a bad name is refused
 * once, with a message naming it and the rule, instead of failing somewhere downstream.
 *
 * The rules and limits are those of k8s.io/apimachinery/pkg/util/validation/validation.go
 * (`IsDNS1123Label`, `IsDNS1123Subdomain`, `IsDNS1035Label`); which kind uses which is
 * k8s.io/apimachinery/pkg/api/validation/generic.go (`NameIsDNSSubdomain`, `NameIsDNSLabel`)
 * and kubernetes/pkg/apis/core/validation (`ValidateNamespaceName` = DNS-1123 label).
 */

/** `DNS1123LabelMaxLength` */
export const DNS1123_LABEL_MAX_LENGTH = 63;
/** `DNS1123SubdomainMaxLength` */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** `DNS1035LabelMaxLength` is 63 too. */
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

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

/** True when `value` is a string that is a DNS-1123 label (`IsDNS1123Label`). */
export function isDnsLabel(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= DNS1123_LABEL_MAX_LENGTH &&
    DNS1123_LABEL.test(value)
  );
}

/** True when `value` is a string that is a DNS-1123 subdomain (`IsDNS1123Subdomain`). */
export function isDnsSubdomain(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= DNS1123_SUBDOMAIN_MAX_LENGTH &&
    DNS1123_SUBDOMAIN.test(value)
  );
}

/**
 * True when `value` is a string that is a DNS-1035 label (`IsDNS1035Label`), as a Service
 * name must be (kubernetes/pkg/apis/core/validation `ValidateServiceName`).
 */
export function isDns1035Label(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= DNS1123_LABEL_MAX_LENGTH &&
    DNS1035_LABEL.test(value)
  );
}

export function followsRule(rule: NameRule, value: unknown): value is string {
  switch (rule) {
    case 'dns1123-label':
      return isDnsLabel(value);
    case 'dns1123-subdomain':
      return isDnsSubdomain(value);
    default:
      return isDns1035Label(value);
  }
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
