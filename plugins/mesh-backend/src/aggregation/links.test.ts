import { AGGREGATION, demoClusterInputs } from '../__testUtils__/demoFleet';
import { buildFleet } from './buildFleet';
import type { ClusterInput, MeshConfigObject } from './inventory';

const AT = '2025-04-01T00:00:00.000Z';

/**
 * A Link as `linkerd multicluster link` writes it (linkerd/linkerd2 multicluster/cmd/link.go):
 * the target's gateway address, identity and port only when the link goes through a gateway.
 */
function link(target: string, gateway: boolean): MeshConfigObject {
  return {
    apiVersion: 'multicluster.linkerd.io/v1alpha2',
    kind: 'Link',
    namespace: 'linkerd-multicluster',
    name: target,
    labels: {},
    annotations: {},
    spec: {
      targetClusterName: target,
      targetClusterDomain: 'cluster.local',
      targetClusterLinkerdNamespace: 'linkerd',
      clusterCredentialsSecret: `cluster-credentials-${target}`,
      remoteDiscoverySelector: {
        matchLabels: { 'mirror.linkerd.io/exported': 'remote-discovery' },
      },
      ...(gateway
        ? {
            gatewayAddress: '203.0.113.40',
            gatewayPort: '4143',
            gatewayIdentity:
              'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local',
            selector: {
              matchLabels: { 'mirror.linkerd.io/exported': 'true' },
            },
          }
        : {}),
    },
  };
}

describe('Linkerd links', () => {
  let cluster4: ClusterInput;
  beforeAll(async () => {
    cluster4 = (await demoClusterInputs(AT)).find(c => c.name === 'cluster-4')!;
  });
  const linked = (name: string, links: MeshConfigObject[]): ClusterInput => ({
    ...cluster4,
    name,
    inventory: {
      ...cluster4.inventory!,
      meshConfig: [...cluster4.inventory!.meshConfig, ...links],
    },
  });

  it('says whether each Link goes through a gateway or pod to pod', () => {
    const fleet = buildFleet(
      [
        linked('east', [link('west', true)]),
        linked('west', [link('east', false)]),
      ],
      AGGREGATION,
      new Date(AT),
    );
    expect(fleet.links).toEqual([
      {
        from: 'east',
        to: 'west',
        via: 'linkerd-multicluster',
        linkerdMode: 'gateway',
      },
      {
        from: 'west',
        to: 'east',
        via: 'linkerd-multicluster',
        linkerdMode: 'flat',
      },
    ]);
  });

  it('reads a blank gateway address as no gateway, and ignores Links to unknown clusters', () => {
    const blank = link('west', true);
    blank.spec = { ...blank.spec, gatewayAddress: ' ' };
    const fleet = buildFleet(
      [linked('east', [blank, link('elsewhere', true)]), linked('west', [])],
      AGGREGATION,
      new Date(AT),
    );
    expect(fleet.links).toEqual([
      {
        from: 'east',
        to: 'west',
        via: 'linkerd-multicluster',
        linkerdMode: 'flat',
      },
    ]);
    expect(fleet.clusters[0].controlPlanes[0]).not.toHaveProperty(
      'linkerdLinkModes',
    );
  });

  it("records a hand-written Server's port, so a second Server on it can be refused", () => {
    const fleet = buildFleet([cluster4], AGGREGATION, new Date(AT));
    const users = fleet.services
      .find(s => s.id === 'accounts/users')!
      .instances.find(i => i.cluster === 'cluster-4')!;
    expect(users.config.find(c => c.kind === 'Server')).toEqual({
      apiVersion: 'policy.linkerd.io/v1beta1',
      kind: 'Server',
      namespace: 'accounts',
      name: 'users-http',
      port: 8080,
    });
  });
});
