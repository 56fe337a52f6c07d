import { Entity } from '@backstage/catalog-model';
import { claimedServices, providerLocationRef } from './claims';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'x', annotations },
  };
}

describe('claimedServices', () => {
  it('counts hand-written entities, not those of any Meshport provider', () => {
    const claims = claimedServices([
      entity({
        'meshport.dev/service': 'bookinfo/productpage',
        'backstage.io/managed-by-origin-location': 'url:https://git/x.yaml',
      }),
      entity({
        'meshport.dev/service': 'bookinfo/reviews',
        'backstage.io/managed-by-origin-location':
          providerLocationRef('default'),
      }),
      entity({
        'meshport.dev/service': 'shop/cart',
        'backstage.io/managed-by-origin-location': providerLocationRef('other'),
      }),
      entity({ 'backstage.io/managed-by-origin-location': 'url:y' }),
    ]);
    expect([...claims]).toEqual(['bookinfo/productpage']);
  });
});
