import { compile } from './compile';
import { multiPrimaryFleet } from './__fixtures__/fleets';
import { seedPolicy, timeoutPolicy } from './__fixtures__/policies';

describe('conflicts', () => {
  it('reports two policies setting the same field for the same sources', () => {
    const result = compile(
      [timeoutPolicy('slow', '10s'), timeoutPolicy('fast', '1s')],
      multiPrimaryFleet(),
    );
    expect(result.ok).toBe(false);
    expect(result.conflicts).toEqual([
      {
        kind: 'field',
        field: 'timeout',
        policies: [
          'trafficpolicy.bookinfo.fast',
          'trafficpolicy.bookinfo.slow',
        ],
        clusters: ['cluster-1'],
        message:
          'trafficpolicy.bookinfo.fast and trafficpolicy.bookinfo.slow both set timeout for reviews.bookinfo from the same sources in cluster-1: merge them into one policy, or give them different sources or matches',
      },
    ]);
  });

  it('merges different fields from two policies onto one route', () => {
    const result = compile(
      [seedPolicy(), timeoutPolicy('slow', '10s')],
      multiPrimaryFleet(),
    );
    expect(result.conflicts).toEqual([]);
    const vs = result.resources['cluster-1'].find(
      r => r.kind === 'VirtualService',
    )!;
    const http = vs.spec.http as { name: string; timeout?: string }[];
    expect(http).toHaveLength(1);
    expect(http[0]).toMatchObject({
      name: 'trafficpolicy.bookinfo.reviews-shift+trafficpolicy.bookinfo.slow',
      timeout: '10s',
    });
    expect(vs.metadata.annotations['meshport.dev/policies']).toBe(
      'trafficpolicy.bookinfo.reviews-shift,trafficpolicy.bookinfo.slow',
    );
  });

  it('reports hand-written config for the same host instead of overwriting it', () => {
    const fleet = multiPrimaryFleet();
    fleet.services[0].instances[0].config.push(
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        namespace: 'bookinfo',
        name: 'reviews',
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        namespace: 'bookinfo',
        name: 'meshport-reviews',
        meshportPolicy: 'trafficpolicy.bookinfo.reviews-shift',
      },
    );
    const result = compile([seedPolicy()], fleet);
    expect(result.ok).toBe(false);
    expect(result.conflicts).toEqual([
      expect.objectContaining({
        kind: 'existing-config',
        existing: 'VirtualService bookinfo/reviews',
        message: expect.stringContaining('Meshport will not overwrite it'),
      }),
    ]);
  });
});
