import { indexMeshConfig } from './configRefs';
import type { MeshConfigObject } from './inventory';

const object = (
  kind: string,
  spec: Record<string, unknown>,
): MeshConfigObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind,
  namespace: 'bookinfo',
  name: 'ratings-fuzz',
  labels: {},
  annotations: {},
  spec,
});

describe('indexMeshConfig', () => {
  // Found by the discovery fuzz test: String() on a JSON object whose `toString` is not a
  // function throws, and one such object broke its whole cluster's aggregation.
  it.each([
    [{ toString: '' }],
    [{ valueOf: 1, toString: null }],
    [['reviews']],
    [42],
  ])('indexes a DestinationRule whose host is %j without throwing', host => {
    const index = indexMeshConfig([
      object('DestinationRule', { host }),
      object('DestinationRule', { host: 'reviews' }),
    ]);
    expect([...index.byHost.keys()]).toContain('reviews.bookinfo');
  });
});
