import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  type Fleet,
  parseFleet,
  type ServiceOwnership,
} from '@meshport/backstage-plugin-mesh-common';
import { loadSchemaValidator } from '@meshport/backstage-plugin-mesh-policy';
import fs from 'node:fs';
import path from 'node:path';
import type { MeshActionDeps } from '../service/renderPolicyRequest';
import { once } from '../service/renderPolicyRequest';
import { PolicyRenderers } from '../service/policyRenderers';

/** The demo fleet's export (what GET /api/mesh/fleet answers for examples/demo-fleet), beside the sample policy repository. */
export const FLEET_FILE = path.resolve(
  __dirname,
  '../../../../examples/policy-repo/fleet.json',
);

/** A policy repository holding one AccessPolicy and its rendered AuthorizationPolicies. */
export const POLICY_REPO_FIXTURE = path.resolve(
  __dirname,
  '../__fixtures__/policy-repo',
);

export function testFleet(): Fleet {
  const parsed = parseFleet(JSON.parse(fs.readFileSync(FLEET_FILE, 'utf8')));
  if (!parsed.ok) throw new Error('examples/policy-repo/fleet.json is invalid');
  return parsed.fleet;
}

/** The demo fleet with one service's ownership replaced. */
export function fleetWithOwnership(
  serviceId: string,
  ownership: ServiceOwnership,
): Fleet {
  const fleet = testFleet();
  return {
    ...fleet,
    services: fleet.services.map(s =>
      s.id === serviceId ? { ...s, owner: ownership.owner, ownership } : s,
    ),
  };
}

export const reviewsComponent: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'reviews.bookinfo',
    namespace: 'default',
    annotations: { 'meshport.dev/service': 'bookinfo/reviews' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'bookinfo-team' },
};

export const bookinfoTeam: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'bookinfo-team',
    namespace: 'default',
    annotations: { 'github.com/team-slug': 'meshport-demo/bookinfo-team' },
  },
  spec: { type: 'team', children: [] },
};

/** The moment every test request is made, for the marker. */
export const REQUESTED_AT = '2026-01-01T00:00:00.000Z';

/** Loaded once for the whole test file: the Istio CRD models take a while. */
export const testSchemaValidator = once(loadSchemaValidator);

export function testDeps(
  overrides: Partial<MeshActionDeps> = {},
): MeshActionDeps {
  return {
    fleet: { getFleet: async () => testFleet() },
    catalog: catalogServiceMock({ entities: [reviewsComponent, bookinfoTeam] }),
    schemaValidator: testSchemaValidator,
    renderers: new PolicyRenderers(2),
    // a fixed clock: the request marker's requestedAt is then the same in every run
    now: () => new Date(REQUESTED_AT),
    ...overrides,
  };
}

/** Copies the fixture policy repository into `<workspace>/policy-repo`, as fetch:plain would. */
export function seedWorkspace(workspace: string, repo = POLICY_REPO_FIXTURE) {
  fs.cpSync(repo, path.join(workspace, 'policy-repo'), { recursive: true });
}

/** Every file under a folder, relative path → content; empty when the folder is absent. */
export function readTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(root)) return out;
  for (const entry of fs.readdirSync(root, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(root, full).split(path.sep).join('/')] = fs.readFileSync(
      full,
      'utf8',
    );
  }
  return Object.fromEntries(
    Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
