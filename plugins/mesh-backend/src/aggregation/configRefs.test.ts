import { configRefsFor, indexMeshConfig } from './configRefs';
import type { MeshConfigObject, ServiceInfo } from './inventory';

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

describe('configRefsFor', () => {
  const service = (name: string): ServiceInfo => ({
    namespace: 'bookinfo',
    name,
    labels: {},
    annotations: {},
    type: 'ClusterIP',
    selector: { app: name },
    ports: [{ port: 9080, protocol: 'TCP' }],
    externalIPs: [],
    loadBalancerIngress: [],
  });

  it('gives every service an object applies to the same reference to it', () => {
    const objects: MeshConfigObject[] = [
      {
        ...object('PeerAuthentication', { mtls: { mode: 'STRICT' } }),
        apiVersion: 'security.istio.io/v1',
        name: 'default',
      },
      object('VirtualService', { hosts: ['ratings'] }),
    ];
    const refsOf = (name: string) =>
      configRefsFor({
        service: service(name),
        podLabels: [{ app: name }],
        objects,
        rootNamespace: 'istio-system',
      });
    const [ratings, reviews] = [refsOf('ratings'), refsOf('reviews')];
    expect(ratings.map(r => `${r.kind}/${r.name}`)).toEqual([
      'PeerAuthentication/default',
      'VirtualService/ratings-fuzz',
    ]);
    expect(reviews.map(r => `${r.kind}/${r.name}`)).toEqual([
      'PeerAuthentication/default',
    ]);
    // one object, one reference: instances share it instead of holding a copy each
    expect(reviews[0]).toBe(ratings[0]);
  });
});
