import type {
  DataPlaneMode,
  EffectiveMtls,
  MtlsMode,
} from '@meshport/backstage-plugin-mesh-common';
import type { Labels, MeshConfigObject, ServiceInfo } from './inventory';
import { byAge, pick, pickLabels, selectorMatches } from './labels';

const MODES: MtlsMode[] = ['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET'];
export const LINKERD_INBOUND_POLICY_ANNOTATION =
  'config.linkerd.io/default-inbound-policy';

function modeOf(value: unknown): MtlsMode {
  return MODES.includes(value as MtlsMode) ? (value as MtlsMode) : 'UNSET';
}

export function isPeerAuthentication(o: MeshConfigObject): boolean {
  return (
    o.kind === 'PeerAuthentication' &&
    o.apiVersion.startsWith('security.istio.io/')
  );
}

function workloadSelector(pa: MeshConfigObject): Labels | undefined {
  const labels = pickLabels(pa.spec, 'selector.matchLabels');
  return labels && Object.keys(labels).length > 0 ? labels : undefined;
}

export interface IstioMtlsInput {
  peerAuthentications: MeshConfigObject[];
  rootNamespace: string;
  namespace: string;
  /** Labels of the pods behind the service. */
  podLabels: Labels[];
  /** Named container ports of the same pods, to resolve a named `targetPort`. */
  podPorts?: Array<Record<string, number>>;
  ports: ServiceInfo['ports'];
}

/**
 * The workload port a service port reaches, the key of `portLevelMtls`: its `targetPort`,
 * the port itself when there is none, or the pods' container port of that name. A name the
 * pods resolve differently (or not at all) has no single key, and no override is shown.
 */
function workloadPort(
  servicePort: ServiceInfo['ports'][number],
  podPorts: Array<Record<string, number>>,
): number | undefined {
  const target = servicePort.targetPort;
  if (target === undefined || target === '') return servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const resolved = new Set(
    podPorts.map(p => p[target]).filter((n): n is number => n !== undefined),
  );
  return resolved.size === 1 ? [...resolved][0] : undefined;
}

/**
 * Istio's PeerAuthentication composition (pilot/pkg/security/authn/policy_applier.go,
 * `ComposePeerAuthentication`): the mesh-wide policy (root namespace, no selector), overridden
 * by the namespace policy, overridden by a workload-selector policy, whose `portLevelMtls`
 * overrides single ports. A selector policy in the root namespace is no workload policy:
 * Istio ignores it. `UNSET` inherits from the level above; with no policy at all Istio runs
 * PERMISSIVE. Several candidates at one level: the oldest wins.
 */
export function effectiveIstioMtls(input: IstioMtlsInput): EffectiveMtls {
  const candidates = input.peerAuthentications.filter(isPeerAuthentication);
  const oldest = (list: MeshConfigObject[]) => [...list].sort(byAge)[0];
  const meshWide = oldest(
    candidates.filter(
      pa => pa.namespace === input.rootNamespace && !workloadSelector(pa),
    ),
  );
  const namespaceWide =
    input.namespace === input.rootNamespace
      ? undefined
      : oldest(
          candidates.filter(
            pa => pa.namespace === input.namespace && !workloadSelector(pa),
          ),
        );
  const workload =
    input.namespace === input.rootNamespace
      ? undefined
      : oldest(
          candidates.filter(
            pa =>
              pa.namespace === input.namespace &&
              workloadSelector(pa) !== undefined &&
              input.podLabels.some(labels =>
                selectorMatches(workloadSelector(pa), labels),
              ),
          ),
        );

  let result: EffectiveMtls = { mode: 'PERMISSIVE' };
  for (const pa of [meshWide, namespaceWide, workload]) {
    if (!pa) continue;
    const mode = modeOf(pick(pa.spec, 'mtls.mode'));
    if (mode !== 'UNSET') {
      result = { mode, source: `${pa.namespace}/${pa.name}` };
    }
  }

  const portLevel = workload ? pick(workload.spec, 'portLevelMtls') : undefined;
  if (portLevel && typeof portLevel === 'object') {
    const ports: Record<string, MtlsMode> = {};
    for (const servicePort of input.ports) {
      const target = workloadPort(servicePort, input.podPorts ?? []);
      if (target === undefined) continue;
      const override = modeOf(pick(portLevel, `${target}.mode`));
      if (override !== 'UNSET') ports[String(servicePort.port)] = override;
    }
    if (Object.keys(ports).length > 0) result = { ...result, ports };
  }
  return result;
}

/**
 * Linkerd's default inbound policies (linkerd.io/2/reference/authorization-policy, "Default
 * policies") in Istio's words: `all-authenticated` and `cluster-authenticated` admit only
 * meshed clients, `deny` none without an authorization — STRICT; `all-unauthenticated`
 * (the default), `cluster-unauthenticated` and `audit` also admit plaintext — PERMISSIVE.
 */
function linkerdDefaultMode(policy: string | undefined): MtlsMode {
  return policy === 'all-authenticated' ||
    policy === 'cluster-authenticated' ||
    policy === 'deny'
    ? 'STRICT'
    : 'PERMISSIVE';
}

const isLinkerdPolicy = (o: MeshConfigObject) =>
  o.apiVersion.startsWith('policy.linkerd.io/');

export function linkerdPoliciesByNamespace(
  objects: MeshConfigObject[],
): Map<string, MeshConfigObject[]> {
  const byNamespace = new Map<string, MeshConfigObject[]>();
  for (const o of objects) {
    if (!isLinkerdPolicy(o)) continue;
    const list = byNamespace.get(o.namespace);
    if (list) list.push(o);
    else byNamespace.set(o.namespace, [o]);
  }
  return byNamespace;
}

/** Does an authorization admit clients without a mesh identity to `server`? */
function admitsUnauthenticated(
  server: MeshConfigObject,
  policies: MeshConfigObject[],
): boolean {
  return policies.some(p => {
    if (p.kind === 'ServerAuthorization') {
      const target = pick(p.spec, 'server.name');
      const selector = pickLabels(p.spec, 'server.selector.matchLabels');
      const targets =
        target === server.name ||
        (selector !== undefined && selectorMatches(selector, server.labels));
      return targets && pick(p.spec, 'client.unauthenticated') === true;
    }
    if (p.kind === 'AuthorizationPolicy') {
      const kind = pick(p.spec, 'targetRef.kind');
      const name = pick(p.spec, 'targetRef.name');
      const targets =
        (kind === 'Server' && name === server.name) ||
        (kind === 'Namespace' && name === server.namespace);
      const refs = pick(p.spec, 'requiredAuthenticationRefs');
      // Only a MeshTLSAuthentication or a ServiceAccount demands a mesh identity.
      const demandsIdentity =
        Array.isArray(refs) &&
        refs.some(
          r =>
            typeof r === 'object' &&
            r !== null &&
            ['MeshTLSAuthentication', 'ServiceAccount'].includes(
              // a string compare, never String(): a malformed kind may be any JSON value
              (r as Record<string, unknown>).kind as string,
            ),
        );
      return targets && !demandsIdentity;
    }
    return false;
  });
}

/**
 * A Server's mode: once a Server selects a pod's port, traffic to it is denied unless
 * authorized (linkerd.io/2.11/reference/authorization-policy, "Server"); newer Servers say so
 * in `accessPolicy`, `deny` by default (policy.linkerd.io/v1beta3). Plaintext is admitted
 * only by an unauthenticated access policy or an authorization that asks for no identity.
 */
function serverMode(
  server: MeshConfigObject,
  policies: MeshConfigObject[],
): MtlsMode {
  const access = pick(server.spec, 'accessPolicy');
  const accessMode = linkerdDefaultMode(
    typeof access === 'string' ? access : 'deny',
  );
  return accessMode === 'PERMISSIVE' || admitsUnauthenticated(server, policies)
    ? 'PERMISSIVE'
    : 'STRICT';
}

/**
 * A Server's `podSelector` is a Kubernetes label selector: empty selects every pod of the
 * namespace. `matchExpressions` are not evaluated here, so such a Server is not assumed to
 * select anything.
 */
function serverSelects(server: MeshConfigObject, labels: Labels): boolean {
  if (pick(server.spec, 'podSelector.matchExpressions') !== undefined) {
    return false;
  }
  const matchLabels = pickLabels(server.spec, 'podSelector.matchLabels') ?? {};
  return (
    Object.keys(matchLabels).length === 0 ||
    selectorMatches(matchLabels, labels)
  );
}

export interface LinkerdMtlsInput {
  namespace: string;
  podAnnotations: Labels[];
  namespaceAnnotations: Labels;
  clusterDefault?: string;
  /** Linkerd policy objects (Servers, authorizations) of the service's namespace. */
  policies?: MeshConfigObject[];
  podLabels?: Labels[];
  podPorts?: Array<Record<string, number>>;
  ports?: ServiceInfo['ports'];
}

/**
 * Linkerd always uses mTLS between meshed pods; whether it also admits plaintext is its
 * inbound policy. Pod annotation overrides namespace annotation overrides the cluster
 * default; a Server selecting the pods' port decides that port.
 */
export function effectiveLinkerdMtls(input: LinkerdMtlsInput): EffectiveMtls {
  const fromPod = input.podAnnotations
    .map(a => a[LINKERD_INBOUND_POLICY_ANNOTATION])
    .find(Boolean);
  const fromNamespace =
    input.namespaceAnnotations[LINKERD_INBOUND_POLICY_ANNOTATION];
  const policy = fromPod ?? fromNamespace ?? input.clusterDefault;
  const mode = linkerdDefaultMode(policy);
  let source: string | undefined;
  if (fromPod) source = `${input.namespace}/pod-annotation`;
  else if (fromNamespace) source = `namespace/${input.namespace}`;
  const result: EffectiveMtls = source ? { mode, source } : { mode };

  const policies = (input.policies ?? []).filter(
    p => isLinkerdPolicy(p) && p.namespace === input.namespace,
  );
  const servers = policies.filter(
    s =>
      s.kind === 'Server' &&
      (input.podLabels ?? []).some(labels => serverSelects(s, labels)),
  );
  const podPorts = input.podPorts ?? [];
  const ports: Record<string, MtlsMode> = {};
  for (const servicePort of input.ports ?? []) {
    const target = workloadPort(servicePort, podPorts);
    if (target === undefined) continue;
    const server = [...servers].sort(byAge).find(s => {
      const port = pick(s.spec, 'port');
      if (typeof port === 'number') return port === target;
      return (
        typeof port === 'string' &&
        podPorts.some(named => named[port] === target)
      );
    });
    if (!server) continue;
    // Only where the Server changes the answer, like a port-level override.
    const portMode = serverMode(server, policies);
    if (portMode !== mode) ports[String(servicePort.port)] = portMode;
  }
  return Object.keys(ports).length > 0 ? { ...result, ports } : result;
}

/** Pods outside any mesh terminate no mTLS: there is no mode to speak of. */
export function unmeshedMtls(): EffectiveMtls {
  return { mode: 'UNSET' };
}

export function mtlsFor(
  mode: DataPlaneMode,
  istio: () => EffectiveMtls,
  linkerd: () => EffectiveMtls,
): EffectiveMtls {
  if (mode === 'sidecar' || mode === 'ambient') return istio();
  if (mode === 'linkerd') return linkerd();
  return unmeshedMtls();
}
