import request from 'supertest';
import { scenarioFleet } from './__testUtils__/istioScenario';
import { startMetricsBackend } from './__testUtils__/metricsTestBackend';
import type { TrafficSource } from './traffic/TrafficSource';

describe('metrics router, for a service no cluster runs', () => {
  it.each(['traffic', 'mtls'])(
    'answers /%s with 404 before any traffic query',
    async endpoint => {
      const getTraffic = jest.fn<
        ReturnType<TrafficSource['getTraffic']>,
        Parameters<TrafficSource['getTraffic']>
      >();
      const { server } = await startMetricsBackend({
        fleet: scenarioFleet(),
        trafficSource: { getTraffic },
      });
      const res = await request(server)
        .get(`/api/mesh/services/bookinfo/no-such-service/${endpoint}`)
        .expect(404);
      expect(res.body.error.message).toBe(
        'No mesh service bookinfo/no-such-service was discovered in any cluster; check the namespace and name',
      );
      expect(getTraffic).not.toHaveBeenCalled();
    },
  );
});
