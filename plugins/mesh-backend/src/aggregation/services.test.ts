import { AGGREGATION } from '../__testUtils__/demoFleet';
import type { ClusterInventory, PodInfo, ServiceInfo } from './inventory';
import { instancesOf } from './services';

const pod = (name: string, labels: Record<string, string>): PodInfo => ({
  namespace: 'shop',
  name,
  labels,
  annotations: {},
  serviceAccountName: 'default',
  ready: true,
  containers: ['app'],
});

const service = (
  name: string,
  selector: Record<string, string>,
): ServiceInfo => ({
  namespace: 'shop',
  name,
  labels: {},
  annotations: {},
  type: 'ClusterIP',
  selector,
  ports: [{ port: 80, protocol: 'TCP' }],
  externalIPs: [],
  loadBalancerIngress: [],
});

const inventory = (
  services: ServiceInfo[],
  pods: PodInfo[],
): ClusterInventory => ({
  namespaces: [{ name: 'shop', labels: {}, annotations: {} }],
  nodes: [],
  services,
  endpointSlices: [],
  pods,
  workloads: [],
  configMaps: [],
  remoteSecrets: [],
  meshConfig: [],
  ztunnelPresent: false,
});

const selected = (result: ReturnType<typeof instancesOf>) =>
  Object.fromEntries(
    result.services.map(({ service: s, instance }) => [
      s.name,
      instance.endpoints.total,
    ]),
  );

describe('instancesOf', () => {
  const web = pod('web-1', { app: 'web', tier: 'front', version: 'v1' });
  const api = pod('api-1', { app: 'api', tier: 'back' });

  it('selects pods by any selector, whichever key it starts with', () => {
    const result = instancesOf(
      inventory(
        [
          service('web', { app: 'web' }),
          service('front', { tier: 'front' }),
          service('both', { tier: 'back', app: 'api' }),
          service('none', { version: 'v2' }),
        ],
        [web, api],
      ),
      [],
      AGGREGATION,
    );
    expect(selected(result)).toEqual({ web: 1, front: 1, both: 1, none: 0 });
  });

  it('indexes the pods again when a new service starts its selector with another key', () => {
    const pods = [web, api];
    const first = instancesOf(
      inventory([service('web', { app: 'web' })], pods),
      [],
      AGGREGATION,
    );
    const withPodChanged = [web, { ...api, ready: false }];
    const next = instancesOf(
      inventory(
        [service('web', { app: 'web' }), service('back', { tier: 'back' })],
        withPodChanged,
      ),
      [],
      AGGREGATION,
      {
        inventory: inventory([service('web', { app: 'web' })], pods),
        index: first.index,
        services: first.derived,
      },
    );
    expect(selected(next)).toEqual({ web: 1, back: 1 });
    expect(
      next.services.find(s => s.service.name === 'back')?.instance.endpoints,
    ).toEqual({ ready: 0, total: 1 });
  });
});
