/**
 * The objects in deploy/kubernetes are what an operator applies to every discovered
 * cluster. They must be valid Kubernetes objects, and the ClusterRole must grant exactly
 * what discovery reads — no less (discovery fails with 403), no more (least privilege).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { RESOURCES } from '../readers/resources';

const DEPLOY_DIR = path.resolve(__dirname, '../../../../deploy/kubernetes');

/** Schema-validating models of the kinds deploy/ may hold; another kind needs its model here. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Secret': Secret,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
};

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
  it('holds the discovery identity: namespace, service account, role, binding, token', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/meshport',
      'ServiceAccount/meshport-discovery',
      'ClusterRole/meshport-discovery',
      'ClusterRoleBinding/meshport-discovery',
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

  describe('the ClusterRole', () => {
    const [role] = find('ClusterRole');
    const rules: Array<{
      apiGroups: string[];
      resources: string[];
      verbs: string[];
      [key: string]: unknown;
    }> = role.rules;

    it('grants exactly the resources discovery reads (readers/resources.ts)', () => {
      const granted = rules
        .flatMap(rule =>
          rule.apiGroups.flatMap(group =>
            rule.resources.map(resource => `${group || 'core'}/${resource}`),
          ),
        )
        .sort();
      const read = Object.values(RESOURCES)
        .map(r => `${r.group || 'core'}/${r.plural}`)
        .sort();
      expect(granted).toEqual(read);
      expect(new Set(granted).size).toBe(granted.length);
    });

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

    it('explains the secrets grant next to it', () => {
      const text = fs.readFileSync(path.join(DEPLOY_DIR, role.file), 'utf8');
      expect(text).toContain('istio/multiCluster=true');
      expect(text).toContain('RBAC cannot express');
    });
  });

  it('binds the role to the service account whose token Backstage uses', () => {
    const [account] = find('ServiceAccount');
    const [binding] = find('ClusterRoleBinding');
    const [token] = find('Secret');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: find('ClusterRole')[0].metadata.name,
    });
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: account.metadata.name,
        namespace: account.metadata.namespace,
      },
    ]);
    expect(token.type).toBe('kubernetes.io/service-account-token');
    expect(token.metadata.namespace).toBe(account.metadata.namespace);
    expect(
      token.metadata.annotations['kubernetes.io/service-account.name'],
    ).toBe(account.metadata.name);
    expect(account.metadata.namespace).toBe(find('Namespace')[0].metadata.name);
  });
});
