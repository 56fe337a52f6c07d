import type {
  Fleet,
  LiveConfigObject,
} from '@meshport/backstage-plugin-mesh-common';
import { renderedSpecHash } from '../../specHash';
import { toYaml } from '../../yaml';

export const POLICIES = 3000;
export const CLUSTERS = 20;

/**
 * A repository of 3,000 traffic policies, each rendered for 20 clusters as a VirtualService and
 * a DestinationRule (the compiler's shape and stamps, written directly: compiling 3,000
 * policies is the compiler's benchmark, not this one), and a fleet that applied all of it.
 */
export function scaleRepository(): {
  files: Record<string, string>;
  fleet: Fleet;
} {
  const files: Record<string, string> = {};
  const config = new Map<string, LiveConfigObject[]>();
  const clusters = Array.from({ length: CLUSTERS }, (_, i) => `cluster-${i}`);
  for (const c of clusters) config.set(c, []);
  for (let i = 0; i < POLICIES; i++) {
    const namespace = `team-${i % 60}`;
    const service = `svc-${i}`;
    const ref = `trafficpolicy.${namespace}.route-${i}`;
    const host = `${service}.${namespace}.svc.cluster.local`;
    files[`policies/${namespace}/${service}/trafficpolicy-route-${i}.yaml`] =
      toYaml({
        apiVersion: 'meshport.dev/v1alpha1',
        kind: 'TrafficPolicy',
        metadata: { name: `route-${i}`, namespace },
        spec: {
          destination: { service, namespace },
          route: [
            { cluster: 'cluster-0', subset: { version: 'v1' }, weight: 90 },
            { cluster: 'cluster-1', subset: { version: 'v2' }, weight: 10 },
          ],
        },
      });
    const specs = {
      VirtualService: {
        hosts: [host],
        http: [
          {
            name: ref,
            route: [
              { destination: { host, subset: 'cluster-0-v1' }, weight: 90 },
              { destination: { host, subset: 'cluster-1-v2' }, weight: 10 },
            ],
          },
        ],
      },
      DestinationRule: {
        host,
        subsets: [
          { name: 'cluster-0-v1', labels: { version: 'v1' } },
          { name: 'cluster-1-v2', labels: { version: 'v2' } },
        ],
      },
    };
    for (const [kind, spec] of Object.entries(specs)) {
      const object = {
        apiVersion: 'networking.istio.io/v1',
        kind,
        metadata: {
          name: `meshport-${service}`,
          namespace,
          labels: {
            'app.kubernetes.io/managed-by': 'meshport',
            'meshport.dev/policy': ref,
          },
          annotations: {
            'meshport.dev/policies': ref,
            'meshport.dev/spec-hash': renderedSpecHash(spec, {
              apiVersion: 'networking.istio.io/v1',
              kind,
            }),
          },
        },
        spec,
      };
      const text = toYaml(object);
      for (const c of clusters) {
        files[
          `rendered/${c}/${namespace}/${service}/${kind.toLowerCase()}-meshport-${service}.yaml`
        ] = text;
        config.get(c)!.push(structuredClone(object));
      }
    }
  }
  return {
    files,
    fleet: {
      generatedAt: '2026-12-01T12:00:00.000Z',
      clusters: clusters.map(name => ({
        name,
        sync: { state: 'ok' },
        regions: [],
        zones: [],
        controlPlanes: [],
        eastWestGateways: [],
        config: config.get(name),
      })),
      meshes: [],
      services: [],
      links: [],
    },
  };
}
