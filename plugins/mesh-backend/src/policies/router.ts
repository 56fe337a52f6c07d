import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  meshFleetReadPermission,
  type MeshService,
  type PolicyLifecycle,
  type PolicyOrphan,
} from '@meshport/backstage-plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { createAuthorize } from '../service/http/authorize';
import { parseOrThrow } from '../service/http/parse';
import type { ServiceAccess } from '../service/ServiceEntityAccess';
import type { FleetStore } from '../store/FleetStore';
import type { PolicyLifecycleSync } from './PolicyLifecycleSync';
import { policiesQuerySchema, policyPathSchema } from './policiesQuery';
import { selectPolicies } from './selectPolicies';

export interface PoliciesRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  fleetStore: FleetStore;
  serviceAccess: ServiceAccess;
  policies: PolicyLifecycleSync;
}

/** What a caller may read of the lifecycle's policies and orphans. */
export interface PolicyVisibility {
  policy(policy: PolicyLifecycle): boolean;
  orphan(orphan: PolicyOrphan): boolean;
  /** A service `<namespace>/<name>`: readable, or in no cluster (the fleet permission governs it). */
  service(id: string): boolean;
}

/**
 * The rule `/findings` applies, for policies: a policy is about its destinations, and is
 * listed only to a caller who may read every one of them (a destination no cluster has is left
 * to the fleet permission, as there is no entity to hide it behind); one that names none is
 * judged by its namespace. An orphan is shown only in
 * a namespace holding a service the caller may read: its name alone says what a team routes.
 */
export async function policyVisibility(
  credentials: BackstageCredentials,
  fleetStore: FleetStore,
  serviceAccess: ServiceAccess,
): Promise<PolicyVisibility> {
  const { fleet, serviceIndex } = await fleetStore.getFleetView();
  const mayRead = await serviceAccess.readableServices(
    credentials,
    fleet.services,
  );
  const readable = (id: string) => {
    const [namespace, name] = id.split('/');
    const service: MeshService | undefined = serviceIndex.get(namespace, name);
    return !service || mayRead(service);
  };
  const namespaces = new Set(
    fleet.services.filter(s => mayRead(s)).map(s => s.namespace),
  );
  return {
    // a policy only in a pull request whose marker names no destination: judged like an
    // orphan, by its namespace, so an unreadable team's request is not listed to everyone
    policy: p =>
      p.destinations.length > 0
        ? p.destinations.every(readable)
        : namespaces.has(p.namespace),
    orphan: o => namespaces.has(o.namespace),
    service: readable,
  };
}

/** `GET /policies` and `GET /policies/:kind/:namespace/:name`, mounted by the mesh backend. */
export async function createPoliciesRouter(
  options: PoliciesRouterOptions,
): Promise<express.Router> {
  const { fleetStore, serviceAccess, policies } = options;
  const router = Router();
  const check = createAuthorize(options);
  const authorize = (req: express.Request) =>
    check(req, meshFleetReadPermission, 'read the mesh fleet');

  router.get('/policies', async (req, res) => {
    const credentials = await authorize(req);
    const query = parseOrThrow(
      policiesQuerySchema,
      req.query,
      'policies query',
    );
    const { repositories, result } = await policies.current();
    const visible = await policyVisibility(
      credentials,
      fleetStore,
      serviceAccess,
    );
    res.json(
      selectPolicies(result.policies.filter(visible.policy), query, {
        // every signed-in reader of the fleet sees how the repositories sync: their URLs and
        // messages hold no credentials (see withoutCredentials)
        repositories,
        orphans: result.orphans.filter(visible.orphan),
      }),
    );
  });

  /**
   * The owners file of one repository (`meshport-policy codeowners|check --owners`), so its CI
   * checks CODEOWNERS against the catalog: with a service token it lists every service, a user
   * gets only the services they may read. Registered before `/policies/:kind/…`.
   */
  router.get('/policies/code-owners', async (req, res) => {
    const credentials = await authorize(req);
    const { repository, ...rest } = req.query;
    if (Object.keys(rest).length > 0)
      throw new InputError(
        `unknown parameter(s) ${Object.keys(rest).join(
          ', ',
        )}: only repository=<configured policy repository URL> is read`,
      );
    if (typeof repository !== 'string' || repository.trim() === '')
      throw new InputError(
        'repository must be one configured policy repository URL, e.g. repository=github.com%3Fowner%3Dacme%26repo%3Dmesh-policies',
      );
    const view = await policies.current();
    const status = view.repositories.find(r => r.url === repository);
    if (!status)
      throw new InputError(
        `${repository} is not a configured policy repository (mesh.policyRepositories): use one of ${
          view.repositories.map(r => r.url).join(', ') || 'none configured'
        }`,
      );
    const owners = view.owners.get(repository);
    if (!owners)
      throw new NotFoundError(
        status.codeOwnersMessage ??
          `The owners of ${status.webUrl} are not computed yet: they are after its next successful sync`,
      );
    const visible = await policyVisibility(
      credentials,
      fleetStore,
      serviceAccess,
    );
    res.json({
      provider: owners.provider,
      default: owners.default,
      services: Object.fromEntries(
        Object.entries(owners.services).filter(([id]) => visible.service(id)),
      ),
    });
  });

  router.get('/policies/:kind/:namespace/:name', async (req, res) => {
    const credentials = await authorize(req);
    const { kind, namespace, name } = parseOrThrow(
      policyPathSchema,
      req.params,
      'policy path',
    );
    const { result } = await policies.current();
    const policy = result.policies.find(
      p => p.kind === kind && p.namespace === namespace && p.name === name,
    );
    // unknown and unreadable answer alike: the answer must not tell which policies exist
    const notFound = new NotFoundError(
      `No ${kind} ${namespace}/${name} that you may read is in a configured policy repository or requested in an open pull request; check the kind, namespace and name`,
    );
    if (!policy) throw notFound;
    const visible = await policyVisibility(
      credentials,
      fleetStore,
      serviceAccess,
    );
    if (!visible.policy(policy)) throw notFound;
    res.json(policy);
  });

  return router;
}
