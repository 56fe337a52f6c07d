import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { validateFleet } from './validateFleet';

/** Where the provider gets the fleet; an interface so tests can hand one in. */
export interface MeshFleetClient {
  /** Resolves to the whole fleet, or rejects: never a partial or empty stand-in. */
  getFleet(): Promise<Fleet>;
}

/** Reads the fleet from the mesh backend plugin, `GET /api/mesh/fleet`. */
export class HttpMeshFleetClient implements MeshFleetClient {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;
  readonly #pluginId: string;

  constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    /** The mesh backend's plugin id; `mesh` unless it was renamed. */
    pluginId?: string;
  }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
    this.#pluginId = options.pluginId ?? 'mesh';
  }

  async getFleet(): Promise<Fleet> {
    const baseUrl = await this.#discovery.getBaseUrl(this.#pluginId);
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: this.#pluginId,
    });
    const response = await fetch(`${baseUrl}/fleet`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return validateFleet(await response.json());
  }
}
