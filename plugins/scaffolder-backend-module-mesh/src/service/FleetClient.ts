import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { parseFleet } from '@meshport/backstage-plugin-mesh-policy';

/** Where the actions get the live fleet from; a fake in tests. */
export interface FleetClient {
  getFleet(): Promise<Fleet>;
}

/** Reads `GET /api/mesh/fleet` from the mesh backend, as this plugin's service identity. */
export class MeshBackendFleetClient implements FleetClient {
  constructor(
    private readonly deps: { discovery: DiscoveryService; auth: AuthService },
  ) {}

  async getFleet(): Promise<Fleet> {
    const { discovery, auth } = this.deps;
    const baseUrl = await discovery.getBaseUrl('mesh');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'mesh',
    });
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/fleet`, {
        headers: { authorization: `Bearer ${token}` },
      });
    } catch (e) {
      throw new ServiceUnavailableError(
        `could not reach the mesh backend at ${baseUrl}/fleet (${
          (e as Error).message
        }); is @meshport/backstage-plugin-mesh-backend installed?`,
      );
    }
    if (!response.ok) {
      throw new ServiceUnavailableError(
        `the mesh backend answered ${response.status} ${response.statusText} for ${baseUrl}/fleet; try again once discovery has run`,
      );
    }
    const body = (await response.json()) as unknown;
    // The endpoint serves the fleet bare; an export may wrap it in { fleet }.
    const raw =
      body && typeof body === 'object' && 'fleet' in body
        ? (body as { fleet: unknown }).fleet
        : body;
    const parsed = parseFleet(raw);
    if (!parsed.ok) {
      throw new ServiceUnavailableError(
        `the mesh backend served a fleet this module cannot read: ${parsed.errors
          .map(e => `${e.path}: ${e.message}`)
          .join('; ')}`,
      );
    }
    return parsed.fleet;
  }
}
