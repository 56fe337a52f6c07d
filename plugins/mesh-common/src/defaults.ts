/**
 * Defaults more than one package needs, named once so they cannot drift apart.
 */

/**
 * Namespaces whose Services are infrastructure, not services teams own: Kubernetes' own, the
 * Istio and Linkerd control planes, and Linkerd's multicluster and viz extensions (Prometheus,
 * tap, dashboard). Discovery leaves them out of the fleet, and the catalog module leaves them
 * out of the catalog. One list for both: the catalog reads the fleet the mesh backend serves,
 * so a narrower catalog default (it once lacked `linkerd-viz`) only looked different without
 * publishing anything more, while a wider one would hide services the UI still shows.
 */
export const DEFAULT_EXCLUDED_NAMESPACES: string[] = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'istio-system',
  'linkerd',
  'linkerd-multicluster',
  'linkerd-viz',
];

/**
 * The mTLS passthrough port of Istio east-west gateways (`tls` on 15443 in Istio's
 * samples/multicluster/gen-eastwest-gateway.sh): discovery recognises a renamed gateway by
 * it, and federation routes to it when a gateway states no port.
 */
export const EAST_WEST_PORT = 15443;
