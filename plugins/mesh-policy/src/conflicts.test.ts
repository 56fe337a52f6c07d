import { compile } from './compile';
import { demoFleet } from './__fixtures__/demoFleet';
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

  // Issue 15, defect 6. A VirtualService route's `match.port` narrows by the destination port
  // (HTTPMatchRequest.port, istio.io/latest/docs/reference/config/networking/virtual-service/);
  // on a service with a single port every request already has that port, so both policies
  // set the timeout of the same requests and Istio would apply one of them only.
  it('treats port 9080 and no port of a single-port service as the same source', () => {
    const withPort = timeoutPolicy('slow', '10s');
    withPort.spec.destination.port = 9080;
    const result = compile(
      [withPort, timeoutPolicy('fast', '1s')],
      multiPrimaryFleet(),
    );
    expect(result.conflicts).toEqual([
      expect.objectContaining({
        kind: 'field',
        field: 'timeout',
        policies: [
          'trafficpolicy.bookinfo.fast',
          'trafficpolicy.bookinfo.slow',
        ],
      }),
    ]);
  });

  it('does not write an unscoped policy into a cluster without the namespace or the host', () => {
    const unscoped = timeoutPolicy('slow', '10s');
    unscoped.spec.sources = undefined;
    const result = compile([unscoped], demoFleet());
    expect(result.errors).toEqual([]);
    // cluster-3 reaches reviews only through gateway federation and runs nothing in bookinfo.
    expect(Object.keys(result.resources).sort()).toEqual([
      'cluster-1',
      'cluster-2',
    ]);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({
        policy: 'trafficpolicy.bookinfo.slow',
        message: expect.stringMatching(
          /^not applied from cluster-3, .*no bookinfo namespace/,
        ),
      }),
    );
  });

  it('refuses a named source cluster without the destination namespace', () => {
    const scoped = timeoutPolicy('slow', '10s');
    scoped.spec.sources = [{ cluster: 'cluster-3' }];
    const result = compile([scoped], demoFleet());
    expect(result.errors).toContainEqual(
      expect.objectContaining({
        path: 'spec.sources',
        message: expect.stringContaining('cluster-3 has no bookinfo namespace'),
      }),
    );
    expect(result.resources['cluster-3']).toBeUndefined();
  });
});
