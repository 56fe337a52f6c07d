import dns from 'node:dns';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import type { MeshClusterSupplier } from '@meshport/backstage-plugin-mesh-node';

/**
 * The one cluster `kubectl proxy` serves on this machine, as Backstage's Kubernetes plugin
 * describes it (plugins/kubernetes-backend/src/cluster-locator/LocalKubectlProxyLocator.ts):
 * named `local`, port 8001, no credentials (the proxy adds the kubeconfig user's), read with
 * the `localKubectlProxy` provider, i.e. the AnonymousStrategy.
 */
export class LocalKubectlProxyClusterLocator implements MeshClusterSupplier {
  constructor(
    private readonly lookup: (
      host: string,
    ) => Promise<{ address: string }> = host =>
      // kubectl proxy listens on 127.0.0.1, not [::1]: IPv4 first, whatever the resolver's order
      dns.promises.lookup(host, { verbatim: false }),
  ) {}

  async getClusters(): Promise<ClusterDetails[]> {
    const { address } = await this.lookup('localhost');
    const host = address.includes(':') ? `[${address}]` : address;
    return [
      {
        name: 'local',
        url: `http://${host}:8001`,
        authMetadata: {
          [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: 'localKubectlProxy',
        },
        skipMetricsLookup: true,
      },
    ];
  }
}
