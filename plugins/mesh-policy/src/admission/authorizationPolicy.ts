import { Findings, record, records, strings } from './rules';

/** `allowedTargetRefs` (validation.go): group/kind pairs a policy may attach to. */
const TARGET_KINDS = [
  'core/Service',
  'networking.istio.io/ServiceEntry',
  'gateway.networking.k8s.io/Gateway',
  'gateway.networking.k8s.io/GatewayClass',
];

const SOURCE_FIELDS = [
  'principals',
  'requestPrincipals',
  'namespaces',
  'ipBlocks',
  'remoteIpBlocks',
  'notPrincipals',
  'notRequestPrincipals',
  'notNamespaces',
  'notIpBlocks',
  'notRemoteIpBlocks',
  'serviceAccounts',
  'notServiceAccounts',
  'trustDomains',
  'notTrustDomains',
];

const OPERATION_FIELDS = [
  'ports',
  'methods',
  'paths',
  'hosts',
  'notPorts',
  'notMethods',
  'notPaths',
  'notHosts',
];

/** `security.ValidatePorts` (pkg/config/security/security.go): decimal numbers up to 65535. */
export function validatePorts(ports: string[]): string[] {
  return ports
    .filter(p => !/^\d+$/.test(p) || Number(p) > 65535)
    .map(
      p => `bad port (${p}): strconv.ParseUint: parsing "${p}": invalid syntax`,
    );
}

const capital = (k: string) => k[0].toUpperCase() + k.slice(1);

const len = (v: unknown) => (Array.isArray(v) ? v.length : 0);

/** `ValidateAuthorizationPolicy` (pkg/config/validation/validation.go), for ALLOW/DENY. */
export function validateAuthorizationPolicy(
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
): Findings {
  const f = new Findings();
  const prefix = `invalid policy ${name}.${namespace}:`;
  const err = (m: string | undefined) =>
    m !== undefined && f.err(`${prefix} ${m}`);
  const selector = record(spec.selector);
  const targetRefs = records(spec.targetRefs);
  // validateOneOfSelectorType
  if (
    [
      selector,
      spec.targetRef,
      targetRefs.length > 0 ? targetRefs : undefined,
    ].filter(x => x).length > 1
  )
    err('only one of targetRefs or workloadSelector can be set');
  // validateWorkloadSelector
  if (selector) {
    const labels = record(selector.matchLabels) ?? {};
    for (const [k, v] of Object.entries(labels)) {
      if (k === '')
        err(`empty key is not supported in selector: "${k}=${String(v)}"`);
      if (k.includes('*') || String(v).includes('*'))
        err(`wildcard is not supported in selector: "${k}=${String(v)}"`);
    }
    if (Object.keys(labels).length === 0)
      f.warn('workload selector specified without labels');
  }
  // validatePolicyTargetReference
  for (const ref of [
    ...targetRefs,
    ...(record(spec.targetRef) ? [record(spec.targetRef)!] : []),
  ]) {
    if (!ref.name) err('targetRef name must be set');
    if (ref.namespace)
      err(
        'targetRef namespace must not be set; cross namespace referencing is not supported',
      );
    const group = ref.group ? String(ref.group) : 'core';
    if (!TARGET_KINDS.includes(`${group}/${String(ref.kind)}`))
      err(
        `targetRef must be to one of Service, ServiceEntry, Gateway, GatewayClass but was ${String(
          ref.group ?? '',
        )}/${String(ref.kind)}`,
      );
  }
  const action = String(spec.action ?? 'ALLOW');
  if (spec.provider !== undefined && action !== 'CUSTOM')
    err(`\`provider\` must not be with non CUSTOM action, found ${action}`);
  if (action === 'DENY' && spec.rules === undefined)
    err(
      'DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request',
    );

  (Array.isArray(spec.rules) ? spec.rules : []).forEach(
    (rule: unknown, i: number) => {
      const r = record(rule);
      if (!r) {
        err(`\`rule\` must not be nil, found at rule ${i}`);
        return;
      }
      if (Array.isArray(r.from) && r.from.length === 0)
        err(`\`from\` must not be empty, found at rule ${i}`);
      for (const from of records(r.from)) {
        const src = record(from.source);
        if (!src) {
          err(`\`from.source\` must not be nil, found at rule ${i}`);
          continue;
        }
        if (
          len(src.principals) +
            len(src.notPrincipals) +
            len(src.namespaces) +
            len(src.notNamespaces) >
            0 &&
          len(src.serviceAccounts) + len(src.notServiceAccounts) > 0
        )
          err(
            `cannot set serviceAccounts with namespaces or principals, found at rule ${i}`,
          );
        if (SOURCE_FIELDS.every(k => len(src[k]) === 0))
          err(`\`from.source\` must not be empty, found at rule ${i}`);
        for (const k of SOURCE_FIELDS)
          if (strings(src[k]).includes(''))
            err(`empty value not allowed, found in ${capital(k)}`);
      }
      if (Array.isArray(r.to) && r.to.length === 0)
        err(`\`to\` must not be empty, found at rule ${i}`);
      for (const to of records(r.to)) {
        const op = record(to.operation);
        if (!op) {
          err(`\`to.operation\` must not be nil, found at rule ${i}`);
          continue;
        }
        if (OPERATION_FIELDS.every(k => len(op[k]) === 0))
          err(`\`to.operation\` must not be empty, found at rule ${i}`);
        validatePorts(strings(op.ports)).forEach(err);
        validatePorts(strings(op.notPorts)).forEach(err);
        for (const k of OPERATION_FIELDS)
          if (strings(op[k]).includes(''))
            err(`empty value not allowed, found in ${capital(k)}`);
        for (const k of ['paths', 'notPaths'])
          err(pathTemplateProblem(capital(k), strings(op[k])));
      }
    },
  );
  return f;
}

/** `security.CheckValidPathTemplate`: `{*}` / `{**}` segments, `{**}` last. */
function pathTemplateProblem(key: string, paths: string[]): string | undefined {
  for (const raw of paths) {
    const path = raw.replace(/^\/+|\/+$/g, '');
    const template = raw.includes('{*}') || raw.includes('{**}');
    let any = false;
    for (const glob of path.split('/')) {
      if (glob === '{*}' && !any) continue;
      if (glob === '{**}' && !any) {
        any = true;
        continue;
      }
      if ((glob === '{**}' || glob === '{*}') && any)
        return `invalid or unsupported path ${path}, found in ${key}. {**} is not the last operator`;
      if (/[{}]/.test(glob))
        return `invalid or unsupported path ${path}, found in ${key}. Contains '{' or '}' beyond a supported path template`;
      if (template && !/^[a-zA-Z0-9-._~%!$&'()+,;:@=]+$/.test(glob))
        return `invalid or unsupported path ${path}, found in ${key}. Contains segment ${glob} with invalid string literal`;
    }
  }
  return undefined;
}
