import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  NotFoundError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  describeFleetProblems,
  type Fleet,
  parseFleet,
  type PoliciesResponse,
  policiesResponseSchema,
  type ServiceDependencies,
  serviceDependenciesSchema,
} from '@meshport/backstage-plugin-mesh-common';
import type { MeshFleetReader } from '../traffic/MeshTrafficSource';

/** The most policies `GET /api/mesh/policies` returns at once (its largest `limit`). */
const POLICIES_PAGE_SIZE = 1000;

/**
 * What to do with the parts of a fleet that do not follow the contract.
 *
 * @public
 */
export type MalformedFleetParts =
  /** Leave each out, log why, and use the rest: one bad service must not stop every request. */
  | 'leave-out'
  /** Refuse the whole fleet: for a reader that would otherwise delete what it left out. */
  | 'refuse';

/** @public */
export interface MeshApiClientOptions {
  discovery: DiscoveryService;
  auth: AuthService;
  /** Default `leave-out`. */
  malformedParts?: MalformedFleetParts;
  /** Where the parts left out are reported; without it they are dropped silently. */
  logger?: LoggerService;
}

/**
 * The one backend client for the mesh API: what backend plugins and modules (the catalog
 * module, the scaffolder actions) use to read the fleet the mesh backend holds. It calls as
 * the caller's own plugin, with a plugin-to-plugin token for the mesh plugin, and checks the
 * answer against the fleet contract of mesh-common before anyone reads it.
 *
 * Every failure to get a usable fleet rejects with a `ServiceUnavailableError` (HTTP 503 to
 * whoever asked the caller): the mesh backend not reachable, an error answer (the
 * `ResponseError` carrying its status and body is the `cause`), or an answer that is not a
 * fleet. For the caller's users it is the same thing: a service their request depends on is
 * not serving, and it is not their input's fault. Each message says what to check.
 *
 * The client keeps the last fleet it returned with the mesh backend's ETag for it, and asks
 * with `If-None-Match`: while the fleet has not changed the backend answers 304 without a
 * body, and `getFleet` resolves to that same `Fleet` object, neither downloaded nor parsed
 * again. Callers share it, so a returned fleet must be treated as immutable: copy it before
 * changing anything. Readers that memoize on it (mesh-policy's `CompileMemo`) rely on this to
 * know an unchanged fleet by identity.
 *
 * @public
 */
export class MeshApiClient implements MeshFleetReader {
  /** The mesh backend's plugin id. */
  static readonly pluginId = 'mesh';

  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;
  readonly #malformedParts: MalformedFleetParts;
  readonly #logger?: LoggerService;
  /** The last fleet returned and the backend's tag for it: what a 304 confirms. */
  #last?: { etag: string; fleet: Fleet };

  constructor(options: MeshApiClientOptions) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
    this.#malformedParts = options.malformedParts ?? 'leave-out';
    this.#logger = options.logger;
  }

  /**
   * `GET /api/mesh/fleet`: every cluster, mesh, service and link the caller may read. The
   * same object as last time while the fleet has not changed; treat it as immutable.
   */
  async getFleet(): Promise<Fleet> {
    const { url, token } = await this.#target('/fleet');
    const last = this.#last;
    let response = await this.#fetch(url, token, last?.etag);
    if (response.status === 304) {
      if (last) return last.fleet;
      // a 304 to a request that named no tag (a proxy answering for another reader, say)
      // confirms nothing this client holds: ask for the body instead
      response = await this.#fetch(url, token, undefined);
    }
    const fleet = this.#readFleet(url, await this.#json(url, response));
    const etag = response.headers.get('ETag');
    // only a strong tag names these exact bytes (RFC 9110 §8.8.1); without one, ask in full
    this.#last = etag && !etag.startsWith('W/') ? { etag, fleet } : undefined;
    return fleet;
  }

  /**
   * `GET /api/mesh/dependencies?window=…`: which services called which over the window,
   * fleet-wide, as the installed traffic source measured it (`source: 'none'` without one).
   */
  async getDependencies(window: string): Promise<ServiceDependencies> {
    const { url, token } = await this.#target(
      `/dependencies?${new URLSearchParams({ window })}`,
    );
    const body = await this.#json(
      url,
      await this.#fetch(url, token, undefined),
    );
    const parsed = serviceDependenciesSchema.safeParse(body);
    if (!parsed.success) {
      throw malformed(url, describeIssues(parsed.error.issues));
    }
    return parsed.data as ServiceDependencies;
  }

  /**
   * `GET /api/mesh/policies`: every policy the caller may read with its state per cluster,
   * unfiltered, and how each policy repository's last sync went.
   *
   * The mesh backend serves policies in pages; this reads them all, as a reader that
   * publishes the whole set (the catalog) would otherwise delete the policies past the first
   * page. A sync between two pages can move a policy across their boundary (the list is sorted
   * by state), so a read whose pages disagree is retried once, then refused rather than
   * returned with a policy missing or twice.
   *
   * A 404 rejects with a `NotFoundError`, not a `ServiceUnavailableError`: a mesh backend
   * that serves the fleet but not this route predates the policy lifecycle, which a reader
   * may treat as "no policies" rather than as an outage. Every other failure is a
   * `ServiceUnavailableError`, as for the fleet.
   */
  async getPolicies(): Promise<PoliciesResponse> {
    const first = await this.#readPolicies();
    if (first.consistent) return first.response;
    const second = await this.#readPolicies();
    if (second.consistent) return second.response;
    throw new ServiceUnavailableError(
      `The mesh backend's policies changed while they were read page by page, twice: ${second.problem}. Try again after its policy sync has finished`,
    );
  }

  async #readPolicies(): Promise<
    | { consistent: true; response: PoliciesResponse }
    | { consistent: false; problem: string }
  > {
    const first = await this.#readPolicyPage(0);
    const items = [...first.items];
    while (items.length < first.totalCount) {
      const page = await this.#readPolicyPage(items.length);
      if (page.totalCount !== first.totalCount || page.items.length === 0) {
        return {
          consistent: false,
          problem: `${first.totalCount} policies at first, ${page.totalCount} at offset ${items.length}`,
        };
      }
      items.push(...page.items);
    }
    const identities = new Set(items.map(p => `${p.repository}\u0000${p.ref}`));
    if (items.length !== first.totalCount || identities.size !== items.length) {
      return {
        consistent: false,
        problem: `${first.totalCount} policies announced, ${identities.size} distinct read`,
      };
    }
    return { consistent: true, response: { ...first, items } };
  }

  async #readPolicyPage(offset: number): Promise<PoliciesResponse> {
    const { url, token } = await this.#target(
      `/policies?${new URLSearchParams({
        limit: String(POLICIES_PAGE_SIZE),
        offset: String(offset),
      })}`,
    );
    const response = await this.#fetch(url, token, undefined);
    if (response.status === 404) {
      throw new NotFoundError(
        `The mesh backend has no policies route (${url} answered 404): it predates the policy lifecycle, or is not installed under the plugin id "mesh". Upgrade @meshport/backstage-plugin-mesh-backend together with this plugin`,
        await ResponseError.fromResponse(response),
      );
    }
    const parsed = policiesResponseSchema.safeParse(
      await this.#json(url, response),
    );
    if (!parsed.success) {
      throw malformed(url, describeIssues(parsed.error.issues));
    }
    return parsed.data as PoliciesResponse;
  }

  async #target(path: string): Promise<{ url: string; token: string }> {
    const url = `${await this.#discovery.getBaseUrl(
      MeshApiClient.pluginId,
    )}${path}`;
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: MeshApiClient.pluginId,
    });
    return { url, token };
  }

  async #fetch(
    url: string,
    token: string,
    etag: string | undefined,
  ): Promise<Response> {
    try {
      return await fetch(url, {
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(etag ? { 'If-None-Match': etag } : {}),
        },
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `Could not reach the mesh backend at ${url}: ${
          (error as Error).message
        }. Check that @meshport/backstage-plugin-mesh-backend is installed in this backend (or that discovery points to where it runs)`,
        error,
      );
    }
  }

  async #json(url: string, response: Response): Promise<unknown> {
    if (!response.ok) {
      const cause = await ResponseError.fromResponse(response);
      throw new ServiceUnavailableError(
        `The mesh backend answered ${response.status} ${
          response.statusText
        } for ${url}: ${cause.body.error.message}. ${advice(response.status)}`,
        cause,
      );
    }
    try {
      return await response.json();
    } catch (error) {
      throw malformed(
        url,
        `its body is not JSON (${(error as Error).message})`,
      );
    }
  }

  #readFleet(url: string, body: unknown): Fleet {
    const parsed = parseFleet(body);
    if (!parsed.ok) {
      throw malformed(url, describeFleetProblems(parsed.errors));
    }
    if (parsed.warnings.length > 0) {
      const problems = describeFleetProblems(parsed.warnings);
      if (this.#malformedParts === 'refuse') {
        throw malformed(url, problems);
      }
      this.#logger?.warn(
        `The mesh backend's fleet has parts that break the fleet contract; using the rest: ${problems}`,
      );
    }
    return parsed.fleet;
  }
}

function advice(status: number): string {
  switch (status) {
    case 401:
      return "The mesh backend did not accept this plugin's service token: when the two run in separate backends, they must trust each other's tokens (Backstage's service-to-service auth docs)";
    case 403:
      return 'The permission policy must allow mesh.fleet.read (and mesh.traffic.read for dependencies) to this plugin';
    case 404:
      return 'Check that @meshport/backstage-plugin-mesh-backend is installed under the plugin id "mesh"';
    default:
      return 'Try again once the mesh backend has started; its log says what went wrong';
  }
}

/** The first few schema issues, each at its path, for an error message. */
function describeIssues(
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
): string {
  return issues
    .slice(0, 3)
    .map(i => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function malformed(url: string, problems: string): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `The mesh backend's answer to ${url} is not what this plugin can read: ${problems}. Upgrade the Meshport plugins together, so the mesh backend and its readers share one version of @meshport/backstage-plugin-mesh-common`,
  );
}
