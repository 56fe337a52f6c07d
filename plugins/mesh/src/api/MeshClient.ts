import { ResponseError } from '@backstage/errors';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import type { MeshApi } from './MeshApi';

/** Calls the mesh backend through Backstage's authenticated fetch. */
export class MeshClient implements MeshApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async getFleet(): Promise<Fleet> {
    return this.get<Fleet>('/fleet');
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('mesh');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
