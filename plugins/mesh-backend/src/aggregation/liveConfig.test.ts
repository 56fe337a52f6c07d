import {
  MESHPORT_POLICIES_ANNOTATION,
  MESHPORT_SPEC_HASH_ANNOTATION,
} from '@meshport/backstage-plugin-mesh-common';
import {
  projectInventory,
  type RawInventory,
} from '../discovery/projectInventory';
import { buildFleet } from './buildFleet';
import { FleetMemo } from './FleetMemo';
import type { ClusterInput } from './inventory';

const OPTIONS = {
  excludeNamespaces: ['kube-system'],
  subsetLabels: ['version'],
  ownerLabel: 'meshport.dev/owner',
};
const NOW = new Date('2026-01-01T00:00:00Z');

const virtualService = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: {
    name: 'reviews',
    namespace: 'bookinfo',
    labels: { 'meshport.dev/policy': 'trafficpolicy.bookinfo.reviews' },
    annotations: {
      [MESHPORT_SPEC_HASH_ANNOTATION]: 'sha256:abc',
      [MESHPORT_POLICIES_ANNOTATION]: 'trafficpolicy.bookinfo.reviews',
      'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}',
    },
    managedFields: [{ manager: 'kubectl' }],
  },
  spec: {
    hosts: ['reviews'],
    http: [{ route: [{ destination: { host: 'reviews' } }] }],
  },
  status: { validationMessages: [] },
};

function raw(meshConfig: unknown[]): RawInventory {
  return {
    namespaces: [],
    nodes: [],
    services: [],
    endpointSlices: [],
    pods: [],
    deployments: [],
    statefulSets: [],
    configMaps: [],
    remoteSecrets: [],
    meshConfig: meshConfig as RawInventory['meshConfig'],
  };
}

const cluster = (
  name: string,
  inventory: ClusterInput['inventory'],
  sync: ClusterInput['sync'] = { state: 'ok' },
): ClusterInput => ({
  name,
  source: 'kubernetes',
  sync,
  inventory,
  inventoryDigest: inventory ? JSON.stringify(inventory) : undefined,
});

describe('the fleet carries each cluster’s live mesh config', () => {
  it('in the Kubernetes shape, with the annotations analysis reads and nothing else', () => {
    const fleet = buildFleet(
      [cluster('c1', projectInventory(raw([virtualService]), []))],
      OPTIONS,
      NOW,
    );
    expect(fleet.clusters[0].config).toEqual([
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: {
          name: 'reviews',
          namespace: 'bookinfo',
          labels: { 'meshport.dev/policy': 'trafficpolicy.bookinfo.reviews' },
          annotations: {
            [MESHPORT_SPEC_HASH_ANNOTATION]: 'sha256:abc',
            [MESHPORT_POLICIES_ANNOTATION]: 'trafficpolicy.bookinfo.reviews',
          },
        },
        spec: virtualService.spec,
      },
    ]);
  });

  it('as the same objects while the inventory is unchanged, and new ones when it changes', () => {
    const memo = new FleetMemo();
    const inventory = projectInventory(raw([virtualService]), []);
    const first = buildFleet([cluster('c1', inventory)], OPTIONS, NOW, memo);
    const second = buildFleet([cluster('c1', inventory)], OPTIONS, NOW, memo);
    expect(second.clusters[0].config).toBe(first.clusters[0].config);
    const changed = projectInventory(
      raw([{ ...virtualService, spec: { hosts: ['ratings'] } }]),
      [],
    );
    const third = buildFleet([cluster('c1', changed)], OPTIONS, NOW, memo);
    expect(third.clusters[0].config).not.toBe(first.clusters[0].config);
    expect(third.clusters[0].config?.[0].spec).toEqual({ hosts: ['ratings'] });
  });

  it("with Istio's validation messages in either form it writes them, bounded, and no other status", () => {
    const rejected = {
      ...virtualService,
      status: {
        conditions: [{ type: 'Reconciled', status: 'True' }],
        observedGeneration: '3',
        validationMessages: [
          // what istiod writes: AnalysisMessageBase
          {
            documentationUrl:
              'https://istio.io/latest/docs/reference/config/analysis/ist0101/',
            level: 'ERROR',
            type: { code: 'IST0101', name: 'ReferencedResourceNotFound' },
          },
          // the form Istio's documentation shows
          {
            code: 'IST0102',
            level: 'Warn',
            message: 'mTLS not enabled for virtual service',
          },
          { level: 'Error' },
          'not an object',
          { code: 'IST9999', level: 'Panic', message: 'x'.repeat(5000) },
        ],
      },
    };
    const fleet = buildFleet(
      [cluster('c1', projectInventory(raw([rejected, virtualService]), []))],
      OPTIONS,
      NOW,
    );
    const [withMessages, without] = fleet.clusters[0].config!;
    expect(withMessages.status).toEqual({
      validationMessages: [
        {
          code: 'IST0101',
          level: 'ERROR',
          description: 'ReferencedResourceNotFound',
        },
        {
          code: 'IST0102',
          level: 'WARNING',
          description: 'mTLS not enabled for virtual service',
        },
        { code: 'IST9999', description: 'x'.repeat(1000) },
      ],
    });
    // an empty list is no status at all
    expect(without).not.toHaveProperty('status');
  });

  it('kept for a stale cluster, unknown for one never synced', () => {
    const inventory = projectInventory(raw([virtualService]), []);
    const fleet = buildFleet(
      [
        cluster('stale', inventory, {
          state: 'stale',
          error: { reason: 'timeout', message: 'timed out' },
        }),
        cluster('never', undefined, { state: 'never-synced' }),
        cluster('empty', projectInventory(raw([]), [])),
      ],
      OPTIONS,
      NOW,
    );
    const byName = new Map(fleet.clusters.map(c => [c.name, c]));
    expect(byName.get('stale')?.config).toHaveLength(1);
    expect(byName.get('never')).not.toHaveProperty('config');
    expect(byName.get('empty')?.config).toEqual([]);
  });
});
