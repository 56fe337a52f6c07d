import { Entity } from '@backstage/catalog-model';
import { ServiceOwnership } from '@meshport/backstage-plugin-mesh-common';
import { claimedServices, providerLocationRef } from './claims';

function entity(
  annotations: Record<string, string>,
  owner = 'team-product',
  name = 'x',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: { owner },
  };
}

const owned = (owner: string): ServiceOwnership => ({
  owner,
  claims: [{ owner, from: 'service-label', cluster: 'cluster-1' }],
});
const OWNERSHIP: Record<string, ServiceOwnership> = {
  'bookinfo/productpage': owned('group:default/team-product'),
  'bookinfo/reviews': owned('group:default/bookinfo-team'),
  'shop/cart': owned('group:default/team-product'),
  'bookinfo/ratings': { claims: [] },
};
const ownership = (id: string) => OWNERSHIP[id];

describe('claimedServices', () => {
  it('counts hand-written entities of the resolved owner, not those of any Meshport provider', () => {
    const claims = claimedServices(
      [
        entity({
          'meshport.dev/service': 'bookinfo/productpage',
          'backstage.io/managed-by-origin-location': 'url:https://git/x.yaml',
        }),
        entity({
          'meshport.dev/service': 'shop/cart',
          'backstage.io/managed-by-origin-location':
            providerLocationRef('other'),
        }),
        entity({ 'backstage.io/managed-by-origin-location': 'url:y' }),
      ],
      ownership,
    );
    expect([...claims]).toEqual(['bookinfo/productpage']);
  });

  it('ignores a claim by anyone else, and any claim on an unowned or unknown service', () => {
    const claims = claimedServices(
      [
        // mallory registers aaa-claim-reviews: first by ref, and hers
        entity(
          {
            'meshport.dev/service': 'bookinfo/reviews',
            'backstage.io/managed-by-origin-location':
              'url:https://evil/x.yaml',
          },
          'user:default/mallory',
          'aaa-claim-reviews',
        ),
        entity(
          { 'meshport.dev/service': 'bookinfo/ratings' },
          'user:default/mallory',
        ),
        entity({ 'meshport.dev/service': 'nowhere/svc' }, 'team-product'),
      ],
      ownership,
    );
    expect([...claims]).toEqual([]);
  });
});
