import type { Entity } from '@backstage/catalog-model';
import {
  isMeshServiceAvailable,
  parseServiceId,
  resolveMeshServiceRef,
} from './meshServiceRef';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'reviews', annotations },
  };
}

describe('meshServiceRef', () => {
  it('reads meshport.dev/service first', () => {
    expect(
      resolveMeshServiceRef(
        entity({
          'meshport.dev/service': 'bookinfo/reviews',
          'backstage.io/kubernetes-id': 'other',
        }),
      ),
    ).toEqual({ ref: { namespace: 'bookinfo', name: 'reviews' } });
  });

  it('falls back to the Kubernetes annotations, namespace default when absent', () => {
    expect(
      resolveMeshServiceRef(
        entity({
          'backstage.io/kubernetes-id': 'reviews',
          'backstage.io/kubernetes-namespace': 'bookinfo',
        }),
      ),
    ).toEqual({ ref: { namespace: 'bookinfo', name: 'reviews' } });
    expect(
      resolveMeshServiceRef(entity({ 'backstage.io/kubernetes-id': 'web' })),
    ).toEqual({ ref: { namespace: 'default', name: 'web' } });
  });

  it('reports a malformed annotation rather than guessing', () => {
    expect(
      resolveMeshServiceRef(entity({ 'meshport.dev/service': 'reviews' })),
    ).toEqual({
      problem: {
        kind: 'invalid',
        annotation: 'meshport.dev/service',
        value: 'reviews',
      },
    });
    expect(isMeshServiceAvailable(entity({}))).toBe(false);
    expect(
      isMeshServiceAvailable(entity({ 'meshport.dev/service': 'a/b' })),
    ).toBe(true);
  });

  it('accepts only Kubernetes names', () => {
    expect(parseServiceId('bookinfo/reviews')).toEqual({
      namespace: 'bookinfo',
      name: 'reviews',
    });
    expect(parseServiceId('Bookinfo/reviews')).toBeUndefined();
    expect(parseServiceId('a/b/c')).toBeUndefined();
    expect(parseServiceId('/reviews')).toBeUndefined();
    expect(parseServiceId(undefined)).toBeUndefined();
  });
});
