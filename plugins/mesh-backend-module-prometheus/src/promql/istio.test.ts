import {
  errorsSeriesQuery,
  httpRequestsQuery,
  latencyQuantileQuery,
  requestsSeriesQuery,
  tcpQuery,
} from './istio';

const reviews = { namespace: 'bookinfo', name: 'reviews' };

describe('Istio queries', () => {
  it('selects inbound traffic by destination service and keeps reporter, code and policy', () => {
    expect(httpRequestsQuery('inbound', reviews, 300)).toBe(
      'sum by (source_workload_namespace, source_canonical_service, source_cluster, destination_cluster, reporter, response_code, grpc_response_status, connection_security_policy) ' +
        '(rate(istio_requests_total{destination_service_namespace="bookinfo",destination_service_name="reviews"}[300s]))',
    );
  });

  it('selects outbound traffic by the caller canonical service', () => {
    expect(httpRequestsQuery('outbound', reviews, 3600)).toContain(
      'istio_requests_total{source_workload_namespace="bookinfo",source_canonical_service="reviews"}[3600s]',
    );
    expect(httpRequestsQuery('outbound', reviews, 60)).toContain(
      'by (destination_service_namespace, destination_service_name, destination_cluster, source_cluster, reporter,',
    );
  });

  it('computes quantiles per edge and reporter from the buckets', () => {
    expect(latencyQuantileQuery('inbound', reviews, 300, 0.95)).toBe(
      'histogram_quantile(0.95, sum by (source_workload_namespace, source_canonical_service, source_cluster, destination_cluster, reporter, le) ' +
        '(rate(istio_request_duration_milliseconds_bucket{destination_service_namespace="bookinfo",destination_service_name="reviews"}[300s])))',
    );
    expect(() => latencyQuantileQuery('inbound', reviews, 300, 1)).toThrow(
      'between 0 and 1',
    );
  });

  it('counts errors as 5xx, no response, and gRPC statuses 1–16 on other codes', () => {
    expect(errorsSeriesQuery('inbound', reviews, 60)).toBe(
      'sum by (source_workload_namespace, source_canonical_service, source_cluster, destination_cluster, reporter) (' +
        'rate(istio_requests_total{destination_service_namespace="bookinfo",destination_service_name="reviews",response_code=~"5..|0"}[60s]) or ' +
        'rate(istio_requests_total{destination_service_namespace="bookinfo",destination_service_name="reviews",response_code!~"5..|0",grpc_response_status=~"[1-9]|1[0-6]"}[60s]))',
    );
    expect(requestsSeriesQuery('inbound', reviews, 60)).not.toContain(
      'response_code',
    );
  });

  it('queries TCP metrics with the security policy', () => {
    expect(
      tcpQuery('istio_tcp_connections_opened_total', 'inbound', reviews, 300),
    ).toContain(
      'reporter, connection_security_policy) (rate(istio_tcp_connections_opened_total{',
    );
  });

  it('refuses service names that are not Kubernetes names, whatever the caller checked', () => {
    expect(() =>
      httpRequestsQuery(
        'inbound',
        { namespace: 'bookinfo', name: 'x"} or vector(1) #' },
        300,
      ),
    ).toThrow('is not a DNS-1035 label');
  });
});
