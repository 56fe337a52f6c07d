import type { ClusterInventory, PodInfo } from '../aggregation/inventory';
import { rememberSerialized, serializeInventory } from './serializeInventory';

const pod = (name: string, ready = true): PodInfo => ({
  namespace: 'shop',
  name,
  labels: { app: 'cart', 'a"quoted\\key': 'é\u2028' },
  annotations: {},
  serviceAccountName: 'cart',
  ready,
  containers: ['cart', 'istio-proxy'],
});

const inventory = (pods: PodInfo[]): ClusterInventory => ({
  namespaces: [{ name: 'shop', labels: {}, annotations: {} }],
  nodes: [{ name: 'n1', zone: 'z1' }],
  services: [],
  endpointSlices: [
    { namespace: 'shop', serviceName: 'cart', endpoints: [{ key: 'k', ready: true }] },
  ],
  pods,
  workloads: [],
  configMaps: [],
  remoteSecrets: [],
  meshConfig: [],
  ztunnelPresent: false,
});

describe('serializeInventory', () => {
  it('writes what JSON.stringify writes, in the same key order', () => {
    const inv = inventory([pod('a'), pod('b', false)]);
    expect(serializeInventory(inv)).toBe(JSON.stringify(inv));
    // optional keys after the others, as assembleInventory adds them
    inv.skipped = { total: 1, byKind: { pods: 1 } } as never;
    inv.remoteSecretsForbidden = ['istio-system'];
    expect(serializeInventory(inv)).toBe(JSON.stringify(inv));
  });

  it('writes an empty inventory and an empty object as JSON.stringify does', () => {
    const empty = inventory([]);
    expect(serializeInventory(empty)).toBe(JSON.stringify(empty));
    expect(serializeInventory({} as ClusterInventory)).toBe('{}');
  });

  it('leaves out undefined values and writes null for holes and undefined elements', () => {
    const odd = {
      ...inventory([]),
      skipped: undefined,
      pods: [undefined, , pod('c')], // eslint-disable-line no-sparse-arrays
    } as unknown as ClusterInventory;
    expect(serializeInventory(odd)).toBe(JSON.stringify(odd));
  });

  it('uses remembered JSON for records reused across inventories', () => {
    const kept = pod('kept');
    rememberSerialized(kept, JSON.stringify(kept));
    const first = inventory([kept, pod('x')]);
    const second = inventory([pod('y'), kept]);
    expect(serializeInventory(first)).toBe(JSON.stringify(first));
    expect(serializeInventory(second)).toBe(JSON.stringify(second));
  });

  it('takes the remembered JSON as given: records are never mutated once remembered', () => {
    const record = pod('r');
    rememberSerialized(record, '{"remembered":true}');
    expect(serializeInventory(inventory([record]))).toContain(
      '"pods":[{"remembered":true}]',
    );
  });
});
