/**
 * The objects in deploy/kubernetes are what an operator applies to every discovered
 * cluster (meshport-discovery-istio.yaml only where Istio runs). They must be valid
 * Kubernetes objects, and the roles must grant exactly what the token is used for — no less
 * (a 403), no more (least privilege): the ClusterRole meshport-discovery what discovery lists
 * cluster-wide, the Role in istio-system the remote secrets, and the ClusterRole
 * meshport-kubernetes-plugin what Backstage's Kubernetes plugin lists for an entity's
 * Kubernetes tab (its DEFAULT_OBJECTS, the code it runs, and pod metrics).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { DEFAULT_OBJECTS } from '@backstage/plugin-kubernetes-backend';
import { RESOURCES } from '../readers/resources';

const DEPLOY_DIR = path.resolve(__dirname, '../../../../deploy/kubernetes');

/** Schema-validating models of the kinds deploy/ may hold; another kind needs its model here. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Secret': Secret,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  [key: string]: unknown;
}

/** `group/resource` for every resource a role's rules name, `core` for the core group. */
const grantsOf = (rules: Rule[]) =>
  rules
    .flatMap(rule =>
      rule.apiGroups.flatMap(group =>
        rule.resources.map(resource => `${group || 'core'}/${resource}`),
      ),
    )
    .sort();

interface KubeDoc {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: any };
  [key: string]: any;
}

function loadDeployObjects(): KubeDoc[] {
  return fs
    .readdirSync(DEPLOY_DIR)
    .filter(f => /\.ya?ml$/.test(f))
    .sort()
    .flatMap(file =>
      parseAllDocuments(fs.readFileSync(path.join(DEPLOY_DIR, file), 'utf8'))
        .map(doc => {
          if (doc.errors.length) throw doc.errors[0];
          return doc.toJS();
        })
        .filter(Boolean)
        .map(object => ({ ...object, file })),
    );
}

const objects = loadDeployObjects();
const find = (kind: string) => objects.filter(o => o.kind === kind);
/** The one object `Kind/name`. */
const named = (id: string) => {
  const [found, ...more] = objects.filter(
    o => `${o.kind}/${o.metadata.name}` === id,
  );
  if (!found || more.length) throw new Error(`expected exactly one ${id}`);
  return found;
};

/**
 * Gateway API HTTPRoutes and Gateways, which discovery is being taught to list (issue 18,
 * item 4: the Linkerd translator's output and ambient waypoints). Granted ahead of that
 * change; once readers/resources.ts lists them this set adds nothing.
 */
const GATEWAY_API = [
  'gateway.networking.k8s.io/gateways',
  'gateway.networking.k8s.io/httproutes',
];

/** What the Kubernetes plugin lists for an entity: its default object types, pod metrics. */
const KUBERNETES_PLUGIN_READS = [
  ...DEFAULT_OBJECTS.map(o => `${o.group || 'core'}/${o.plural}`),
  // KubernetesFetcher.fetchPodMetricsForNamespace, unless skipMetricsLookup
  'metrics.k8s.io/pods',
].sort();

describe('deploy/kubernetes', () => {
  it('holds the discovery identity: namespace, service account, roles, bindings, token', () => {
    expect(objects.map(o => `${o.file}: ${o.kind}/${o.metadata.name}`)).toEqual(
      [
        'meshport-discovery-istio.yaml: Role/meshport-discovery-remote-secrets',
        'meshport-discovery-istio.yaml: RoleBinding/meshport-discovery-remote-secrets',
        'meshport-discovery.yaml: Namespace/meshport',
        'meshport-discovery.yaml: ServiceAccount/meshport-discovery',
        'meshport-discovery.yaml: ClusterRole/meshport-discovery',
        'meshport-discovery.yaml: ClusterRoleBinding/meshport-discovery',
        'meshport-discovery.yaml: ClusterRole/meshport-kubernetes-plugin',
        'meshport-discovery.yaml: ClusterRoleBinding/meshport-kubernetes-plugin',
        'meshport-discovery.yaml: Secret/meshport-discovery-token',
      ],
    );
  });

  it('keeps istio-system out of the file every cluster gets: Linkerd-only clusters have none', () => {
    const everyCluster = objects.filter(
      o => o.file === 'meshport-discovery.yaml',
    );
    expect(
      everyCluster.filter(o => o.metadata.namespace === 'istio-system'),
    ).toEqual([]);
  });

  it.each(objects.map(o => [`${o.kind}/${o.metadata.name}`, o] as const))(
    '%s is valid against the Kubernetes schema',
    (_name, object) => {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(Model).toBeDefined();
      const { file: _file, ...manifest } = object;
      expect(() => new Model(manifest).validate()).not.toThrow();
    },
  );

  it('rejects what the schema forbids (the validation is real)', () => {
    const role = named('ClusterRole/meshport-discovery');
    const { file: _file, ...manifest } = role;
    const broken = {
      ...manifest,
      rules: [{ apiGroups: [''], resources: 'pods', verbs: ['list'] }],
    };
    expect(() => new ClusterRole(broken as any).validate()).toThrow(
      /resources must be array/,
    );
  });

  describe.each([
    'ClusterRole/meshport-discovery',
    'ClusterRole/meshport-kubernetes-plugin',
    'Role/meshport-discovery-remote-secrets',
  ])('the %s', id => {
    const role = named(id);
    const rules: Rule[] = role.rules;

    it('only reads collections: never gets single objects or writes', () => {
      // discovery lists, and watches the same collections in watch mode (a watch is a
      // collection GET with ?watch=true, authorised as the verb `watch`); the Kubernetes
      // plugin only lists
      const verbs = id.startsWith('ClusterRole/meshport-kubernetes-plugin')
        ? ['list']
        : ['list', 'watch'];
      for (const rule of rules) expect(rule.verbs).toEqual(verbs);
    });

    it('has no wildcards, resource names or non-resource URLs', () => {
      for (const rule of rules) {
        expect(Object.keys(rule).sort()).toEqual([
          'apiGroups',
          'resources',
          'verbs',
        ]);
        expect([...rule.apiGroups, ...rule.resources]).not.toContain('*');
      }
      expect(role.aggregationRule).toBeUndefined();
    });
  });

  const discoveryReads = Object.values(RESOURCES)
    .filter(r => r !== RESOURCES.secrets)
    .map(r => `${r.group || 'core'}/${r.plural}`);

  it('the ClusterRole meshport-discovery grants exactly what discovery lists cluster-wide: readers/resources.ts without secrets', () => {
    const granted = grantsOf(named('ClusterRole/meshport-discovery').rules);
    expect(granted).toEqual(
      [...new Set([...discoveryReads, ...GATEWAY_API])].sort(),
    );
    expect(new Set(granted).size).toBe(granted.length);
    expect(granted).not.toContain('core/secrets');
  });

  it('the ClusterRole meshport-kubernetes-plugin grants exactly what the Kubernetes plugin lists by default', () => {
    expect(DEFAULT_OBJECTS).toHaveLength(13);
    const granted = grantsOf(
      named('ClusterRole/meshport-kubernetes-plugin').rules,
    );
    expect(granted).toEqual(KUBERNETES_PLUGIN_READS);
    expect(granted).not.toContain('core/secrets');
  });

  it('together the roles cover discovery and the Kubernetes tab of Meshport’s entities', () => {
    const granted = new Set(
      find('ClusterRole').flatMap(role => grantsOf(role.rules)),
    );
    const missing = [...discoveryReads, ...KUBERNETES_PLUGIN_READS].filter(
      r => !granted.has(r),
    );
    expect(missing).toEqual([]);
  });

  it('the Role grants only listing and watching secrets, only in istio-system', () => {
    const role = named('Role/meshport-discovery-remote-secrets');
    expect(role.metadata.namespace).toBe('istio-system');
    expect(grantsOf(role.rules)).toEqual([`core/${RESOURCES.secrets.plural}`]);
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] },
    ]);
  });

  it('explains the secrets grant next to it', () => {
    const [role] = find('Role');
    const text = fs.readFileSync(path.join(DEPLOY_DIR, role.file), 'utf8');
    // the Role's document, its comment included
    const comment = text.split(/^---$/m).find(doc => /^kind: Role$/m.test(doc));
    expect(comment).toContain('istio/multiCluster=true');
    expect(comment).toContain('RBAC cannot express');
    expect(comment).toContain('cannot match a label');
    expect(comment).toContain('confines that to the');
    expect(comment).toMatch(/revisioned istiod[\s\S]*copy this Role/);
    expect(comment).toContain('403');
    expect(text).toContain('Linkerd only');
    const everyCluster = fs.readFileSync(
      path.join(DEPLOY_DIR, 'meshport-discovery.yaml'),
      'utf8',
    );
    expect(everyCluster).toContain('No secrets here');
  });

  const [account] = find('ServiceAccount');
  const discoveryAccount = () => [
    {
      kind: 'ServiceAccount',
      name: account.metadata.name,
      namespace: account.metadata.namespace,
    },
  ];

  it.each(['meshport-discovery', 'meshport-kubernetes-plugin'])(
    'binds the ClusterRole %s to the service account whose token Backstage uses',
    name => {
      const binding = named(`ClusterRoleBinding/${name}`);
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: named(`ClusterRole/${name}`).metadata.name,
      });
      expect(binding.subjects).toEqual(discoveryAccount());
    },
  );

  it('issues the token of that service account', () => {
    const [token] = find('Secret');
    expect(token.type).toBe('kubernetes.io/service-account-token');
    expect(token.metadata.namespace).toBe(account.metadata.namespace);
    expect(
      token.metadata.annotations['kubernetes.io/service-account.name'],
    ).toBe(account.metadata.name);
    expect(account.metadata.namespace).toBe(find('Namespace')[0].metadata.name);
  });

  it('binds the remote-secrets Role, in its namespace, to the same service account', () => {
    const [role] = find('Role');
    const [binding] = find('RoleBinding');
    expect(binding.metadata.namespace).toBe(role.metadata.namespace);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: role.metadata.name,
    });
    expect(binding.subjects).toEqual(discoveryAccount());
  });
});
