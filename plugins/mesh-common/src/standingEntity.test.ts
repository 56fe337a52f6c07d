import type { Entity } from '@backstage/catalog-model';
import { entityOwnerRef, standingEntity } from './standingEntity';
import type { ServiceOwnership } from './ownership';

function entity(
  name: string,
  owner: string,
  origin = 'url:https://git.example/catalog-info.yaml',
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace,
      annotations: {
        'meshport.dev/service': 'bookinfo/reviews',
        'backstage.io/managed-by-origin-location': origin,
      },
    },
    spec: { owner },
  };
}

const owned: ServiceOwnership = {
  owner: 'group:default/bookinfo-team',
  claims: [
    {
      owner: 'group:default/bookinfo-team',
      from: 'service-label',
      cluster: 'c1',
    },
  ],
};
const generated = entity(
  'reviews.bookinfo',
  'group:default/bookinfo-team',
  'meshport-provider:default',
);
const mallory = entity('aaa-claim-reviews', 'user:default/mallory');

describe('standingEntity', () => {
  it('takes a hand-written entity of the resolved owner over the generated one', () => {
    const own = entity('reviews', 'bookinfo-team');
    expect(standingEntity([generated, mallory, own], owned)).toBe(own);
  });

  it('never takes an entity owned by someone else, whatever its name', () => {
    expect(standingEntity([mallory, generated], owned)).toBe(generated);
    expect(standingEntity([mallory], owned)).toBeUndefined();
  });

  it('takes only the generated entity of an unowned or disputed service', () => {
    const own = entity('reviews', 'bookinfo-team');
    expect(standingEntity([own, generated], { claims: [] })).toBe(generated);
    expect(standingEntity([own, generated], undefined)).toBe(generated);
  });
});

describe('entityOwnerRef', () => {
  it('resolves spec.owner as the catalog does', () => {
    expect(entityOwnerRef(entity('x', 'team-a'))).toBe('group:default/team-a');
    expect(entityOwnerRef(entity('x', 'team-a', 'url:y', 'ops'))).toBe(
      'group:ops/team-a',
    );
    expect(entityOwnerRef(entity('x', ''))).toBeUndefined();
  });
});
