/**
 * The objects in deploy/kubernetes are what an operator applies to every discovered
 * cluster. They must be valid Kubernetes objects, and the ClusterRole and the remote-secrets
 * Role must grant exactly what discovery reads — no less (discovery fails with 403), no more
 * (least privilege).
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

describe('deploy/kubernetes', () => {
  it('holds the discovery identity: namespace, service account, roles, bindings, token', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/meshport',
      'ServiceAccount/meshport-discovery',
      'ClusterRole/meshport-discovery',
      'ClusterRoleBinding/meshport-discovery',
      'Role/meshport-discovery-remote-secrets',
      'RoleBinding/meshport-discovery-remote-secrets',
      'Secret/meshport-discovery-token',
    ]);
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
    const [role] = find('ClusterRole');
    const { file: _file, ...manifest } = role;
    const broken = {
      ...manifest,
      rules: [{ apiGroups: [''], resources: 'pods', verbs: ['list'] }],
    };
    expect(() => new ClusterRole(broken as any).validate()).toThrow(
      /resources must be array/,
    );
  });

  describe.each(['ClusterRole', 'Role'])('the %s', kind => {
    const [role] = find(kind);
    const rules: Rule[] = role.rules;

    it('only lists: discovery never watches, gets single objects or writes', () => {
      for (const rule of rules) expect(rule.verbs).toEqual(['list']);
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

  it('the ClusterRole grants exactly what discovery lists cluster-wide: readers/resources.ts without secrets', () => {
    const granted = grantsOf(find('ClusterRole')[0].rules);
    const read = Object.values(RESOURCES)
      .filter(r => r !== RESOURCES.secrets)
      .map(r => `${r.group || 'core'}/${r.plural}`)
      .sort();
    expect(granted).toEqual(read);
    expect(new Set(granted).size).toBe(granted.length);
    expect(granted).not.toContain('core/secrets');
  });

  it('the Role grants only listing secrets, only in istio-system', () => {
    const [role] = find('Role');
    expect(role.metadata.namespace).toBe('istio-system');
    expect(grantsOf(role.rules)).toEqual([`core/${RESOURCES.secrets.plural}`]);
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['list'] },
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
    expect(text).toContain('No secrets here');
  });

  const [account] = find('ServiceAccount');
  const discoveryAccount = () => [
    {
      kind: 'ServiceAccount',
      name: account.metadata.name,
      namespace: account.metadata.namespace,
    },
  ];

  it('binds the role to the service account whose token Backstage uses', () => {
    const [binding] = find('ClusterRoleBinding');
    const [token] = find('Secret');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: find('ClusterRole')[0].metadata.name,
    });
    expect(binding.subjects).toEqual(discoveryAccount());
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
