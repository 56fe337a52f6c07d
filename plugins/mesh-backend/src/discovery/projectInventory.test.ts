import { projectInventory, RawInventory } from './projectInventory';

const empty: RawInventory = {
  namespaces: [],
  nodes: [],
  services: [],
  endpointSlices: [],
  pods: [],
  deployments: [],
  statefulSets: [],
  configMaps: [],
  remoteSecrets: [],
  meshConfig: [],
};

const pod = (extra: Record<string, unknown> = {}, spec = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p',
    namespace: 'bookinfo',
    labels: { app: 'p' },
    ...extra,
  },
  spec: {
    serviceAccountName: 'bookinfo-p',
    containers: [{ name: 'app' }],
    ...spec,
  },
});

const reasons = (raw: Partial<RawInventory>) =>
  projectInventory({ ...empty, ...raw }, ['kube-system']).skipped?.examples.map(
    e => `${e.kind} ${e.object}: ${e.reason}`,
  );

describe('projectInventory, one object at a time', () => {
  it('keeps a well-formed pod and says nothing', () => {
    const inventory = projectInventory({ ...empty, pods: [pod()] }, []);
    expect(inventory.pods.map(p => p.serviceAccountName)).toEqual([
      'bookinfo-p',
    ]);
    expect(inventory.skipped).toBeUndefined();
  });

  it('refuses what a workload identity would be built from when it is no name', () => {
    expect(
      reasons({
        pods: [
          pod({}, { serviceAccountName: 'Prod Admin' }),
          pod({ ownerReferences: [{ kind: 'ReplicaSet', name: '' }] }),
        ],
      }),
    ).toEqual([
      "Pod bookinfo/p: spec.serviceAccountName \"Prod Admin\" is not a DNS-1123 subdomain: at most 253 characters, lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit",
      'Pod bookinfo/p: metadata.ownerReferences[0] {"kind":"ReplicaSet","name":""} is not an owner reference with a kind and a name',
    ]);
  });

  it('refuses Service ports that are not ports, and keeps named target ports', () => {
    const service = (ports: unknown) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'bookinfo' },
      spec: { ports },
    });
    const inventory = projectInventory(
      {
        ...empty,
        services: [
          service([{ port: 80, targetPort: 'http' }]),
          service({ port: 80 }),
          service([{ port: 70000 }]),
          service([{ port: 80, targetPort: 1.5 }]),
        ],
      },
      [],
    );
    expect(inventory.services.map(s => s.ports)).toEqual([
      [{ port: 80, targetPort: 'http', protocol: 'TCP' }],
    ]);
    expect(inventory.skipped?.examples.map(e => e.reason)).toEqual([
      'spec.ports {"port":80} is not a list',
      'spec.ports[0].port 70000 is not a port number (an integer from 1 to 65535)',
      'spec.ports[0].targetPort 1.5 is neither a port number nor a port name',
    ]);
  });

  it('does not check what it does not read: other ConfigMaps, pods of excluded namespaces', () => {
    expect(
      reasons({
        configMaps: [
          {
            kind: 'ConfigMap',
            metadata: { name: 'app-settings', namespace: 7 as never },
          },
        ],
        pods: [pod({ namespace: 'kube-system', ownerReferences: {} })],
      }),
    ).toBeUndefined();
  });

  it('refuses a mesh config object without a group/version or kind, naming only kinds it lists', () => {
    expect(
      reasons({
        meshConfig: [
          {
            apiVersion: 7 as never,
            kind: 'VirtualService',
            metadata: { name: 'v', namespace: 'bookinfo' },
          },
          {
            apiVersion: 'x.io/v1',
            kind: '',
            metadata: { name: 'w', namespace: 'bookinfo' },
          },
        ],
      }),
    ).toEqual([
      'VirtualService bookinfo/v: apiVersion 7 is not a group/version',
      'mesh config object bookinfo/w: kind "" is not a kind',
    ]);
  });
});
