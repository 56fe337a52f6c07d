import { describeOwnershipConflict } from '@meshport/backstage-plugin-mesh-common';
import { AGGREGATION, demoClusterInputs } from '../__testUtils__/demoFleet';
import { buildFleet } from './buildFleet';
import type { ClusterInput, ServiceInfo } from './inventory';

const AT = '2025-04-01T00:00:00.000Z';

/**
 * A cluster an attacker controls (or a careless operator labelled) named to sort before every
 * other, running bookinfo/reviews with another owner label.
 */
function withMalloryCluster(inputs: ClusterInput[]): ClusterInput[] {
  const c1 = inputs.find(c => c.name === 'cluster-1')!;
  const reviews = c1.inventory!.services.find(
    s => s.namespace === 'bookinfo' && s.name === 'reviews',
  )!;
  const labelled: ServiceInfo = {
    ...reviews,
    labels: { ...reviews.labels, 'meshport.dev/owner': 'mallory-team' },
  };
  return [
    ...inputs,
    {
      ...c1,
      name: 'a-dev',
      inventory: {
        ...c1.inventory!,
        namespaces: c1.inventory!.namespaces.filter(n => n.name === 'bookinfo'),
        services: [labelled],
      },
    },
  ];
}

describe('ownership in the fleet', () => {
  let inputs: ClusterInput[];
  beforeAll(async () => {
    inputs = await demoClusterInputs(AT);
  });

  it('owns a service by the label every cluster agrees on', () => {
    const fleet = buildFleet(inputs, AGGREGATION, new Date(AT));
    const reviews = fleet.services.find(s => s.id === 'bookinfo/reviews')!;
    expect(reviews.owner).toBe('group:default/bookinfo-team');
    expect(reviews.ownership?.owner).toBe('group:default/bookinfo-team');
    expect(reviews.ownership?.conflict).toBeUndefined();
  });

  it('makes a second owner label in a cluster sorting first a conflict with no owner, not a takeover', () => {
    const fleet = buildFleet(
      withMalloryCluster(inputs),
      AGGREGATION,
      new Date(AT),
    );
    const reviews = fleet.services.find(s => s.id === 'bookinfo/reviews')!;
    expect(reviews.owner).toBeUndefined();
    expect(reviews.ownership?.owner).toBeUndefined();
    const owners = reviews.ownership?.conflict?.claims.map(
      c => `${c.cluster}=${c.owner}`,
    );
    expect(owners).toContain('a-dev=group:default/mallory-team');
    expect(owners).toContain('cluster-1=group:default/bookinfo-team');
    expect(
      describeOwnershipConflict(reviews.id, reviews.ownership!.conflict!),
    ).toContain('group:default/mallory-team (Service label in a-dev)');
    // the rest of the namespace is untouched
    const ratings = fleet.services.find(s => s.id === 'bookinfo/ratings')!;
    expect(ratings.owner).toBe('group:default/bookinfo-team');
  });

  it('lets the platform configuration settle the dispute', () => {
    const fleet = buildFleet(
      withMalloryCluster(inputs),
      {
        ...AGGREGATION,
        owners: { 'bookinfo/reviews': 'group:default/bookinfo-team' },
      },
      new Date(AT),
    );
    const reviews = fleet.services.find(s => s.id === 'bookinfo/reviews')!;
    expect(reviews.owner).toBe('group:default/bookinfo-team');
    expect(reviews.ownership?.conflict).toBeUndefined();
  });
});
