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
  ports: ServiceInfo['ports'];
}

/**
 * Istio's PeerAuthentication precedence: the mesh-wide policy (root namespace, no selector),
 * overridden by the namespace policy, overridden by a workload-selector policy, whose
 * `portLevelMtls` overrides single ports. `UNSET` inherits from the level above; with no
 * policy at all Istio runs PERMISSIVE. Several candidates at one level: the oldest wins.
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
  const workload = oldest(
    candidates.filter(
      pa =>
        pa.namespace === input.namespace &&
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
      // portLevelMtls is keyed by the workload's port, i.e. the service's target port
      const target =
        typeof servicePort.targetPort === 'number'
          ? servicePort.targetPort
          : servicePort.port;
      const override = modeOf(pick(portLevel, `${target}.mode`));
      if (override !== 'UNSET') ports[String(servicePort.port)] = override;
    }
    if (Object.keys(ports).length > 0) result = { ...result, ports };
  }
  return result;
}

/**
 * Linkerd always uses mTLS between meshed pods but, unless its inbound policy says
 * `all-authenticated`, also accepts plaintext: that is PERMISSIVE in Istio's words.
 * Pod annotation overrides namespace annotation overrides the cluster default.
 */
export function effectiveLinkerdMtls(input: {
  namespace: string;
  podAnnotations: Labels[];
  namespaceAnnotations: Labels;
  clusterDefault?: string;
}): EffectiveMtls {
  const fromPod = input.podAnnotations
    .map(a => a[LINKERD_INBOUND_POLICY_ANNOTATION])
    .find(Boolean);
  const fromNamespace =
    input.namespaceAnnotations[LINKERD_INBOUND_POLICY_ANNOTATION];
  const policy = fromPod ?? fromNamespace ?? input.clusterDefault;
  // `deny` refuses even meshed callers without an explicit authorization: stricter still
  const mode: MtlsMode =
    policy === 'all-authenticated' || policy === 'deny'
      ? 'STRICT'
      : 'PERMISSIVE';
  let source: string | undefined;
  if (fromPod) source = `${input.namespace}/pod-annotation`;
  else if (fromNamespace) source = `namespace/${input.namespace}`;
  return source ? { mode, source } : { mode };
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
