import type { Leg, Trace } from '@meshport/backstage-plugin-mesh-policy';

/** How a leg travels, in words: the picture's "leg" box and its label. */
export function describeTravel(leg: Leg): string {
  switch (leg.travel) {
    case 'local':
      return "local: in the caller's cluster";
    case 'same-network':
      return 'same network: pod to pod across clusters';
    case 'east-west-gateway':
      return leg.gateway
        ? `east-west gateway ${leg.gateway.gateway} at ${leg.gateway.address}, SNI ${leg.gateway.sni}`
        : 'east-west gateway';
    case 'direct-unreachable':
      return 'direct to pods on another network, which it cannot reach';
    case 'linkerd-gateway':
      return "through the target cluster's Linkerd gateway";
    case 'linkerd-pod-to-pod':
      return 'Linkerd pod to pod over a flat network';
    default:
      return 'not routed';
  }
}

/** The transport outcome, e.g. `ISTIO_MUTUAL · mutual TLS` or `DISABLE · plaintext · fails: …`. */
export function describeTls(leg: Leg): string {
  if (!leg.tls) return 'not decided';
  const t = leg.tls;
  return [
    t.mode,
    t.mtls ? 'mutual TLS' : 'plaintext',
    t.ok ? undefined : `fails${t.reason ? `: ${t.reason}` : ''}`,
    t.ok && t.reason ? t.reason : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

const VERBS: Record<string, string> = {
  allow: 'allows',
  deny: 'denies',
  unknown: 'may allow or deny',
};

const FAILURE_WORDS: Record<string, string> = {
  route: 'fails',
  transport: 'fails in transport',
  authz: 'denied',
};

/** Who decides and what: `sidecar allows: no AuthorizationPolicy selects reviews`. */
export function describeAuthz(leg: Leg): string {
  if (!leg.authz) return 'not decided';
  const a = leg.authz;
  const verb = VERBS[a.decision] ?? 'may allow or deny';
  const who = a.enforcer === 'none' ? 'no enforcer' : a.enforcer;
  return `${who} ${verb}${a.reason ? `: ${a.reason}` : ''}`;
}

/** What happens to the leg's requests in the end. */
export function describeOutcome(leg: Leg): string {
  if (leg.failure) {
    const kind = FAILURE_WORDS[leg.failureKind ?? 'route'] ?? 'fails';
    return `${kind}: ${leg.failure}`;
  }
  return `reaches ${leg.readyEndpoints} ready endpoint${
    leg.readyEndpoints === 1 ? '' : 's'
  }`;
}

function percent(share: number): string {
  return `${Math.round(share * 100) / 100} %`;
}

/** What answers: the subset, else the endpoints' version, else every endpoint. */
export function describeTarget(leg: Leg): string {
  if (leg.subset) return `subset ${leg.subset}`;
  const versions = [
    ...new Set(leg.endpointLabels.map(l => l.version).filter(Boolean)),
  ];
  return versions.length === 1 ? `version ${versions[0]}` : 'every endpoint';
}

/** One leg in a sentence, for its accessible name. */
export function describeLeg(leg: Leg): string {
  return `${percent(leg.share)} to ${describeTarget(leg)} in ${
    leg.cluster ?? 'no cluster'
  }: ${describeOutcome(leg)}`;
}

export interface DestinationGroup {
  /** Index of the route destination. */
  destination: number;
  /** Share of all requests this destination gets: the sum of its legs. */
  share: number;
  host: string;
  subset?: string;
  legs: Leg[];
}

/**
 * Legs grouped by the route destination they come from, in route order, each group's legs by
 * cluster: the picture's "destinations with weights" column and the legs fanning out of it.
 */
export function groupLegs(trace: Trace): DestinationGroup[] {
  const groups = new Map<number, DestinationGroup>();
  for (const leg of trace.legs ?? []) {
    const group = groups.get(leg.destination) ?? {
      destination: leg.destination,
      share: 0,
      host: leg.host,
      subset: leg.subset,
      legs: [],
    };
    group.share += leg.share;
    group.legs.push(leg);
    groups.set(leg.destination, group);
  }
  return [...groups.values()]
    .sort((a, b) => a.destination - b.destination)
    .map(g => ({
      ...g,
      legs: [...g.legs].sort((a, b) =>
        (a.cluster ?? '').localeCompare(b.cluster ?? ''),
      ),
    }));
}

export { percent as formatShare };
