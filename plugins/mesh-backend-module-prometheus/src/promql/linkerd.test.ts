import {
  hasLinkerdWorkloads,
  linkerdErrorsSeriesQuery,
  linkerdLatencyQuantileQuery,
  linkerdRequestsSeriesQuery,
  linkerdResponsesQuery,
} from './linkerd';

const users = {
  namespace: 'accounts',
  workloads: { deployment: ['users-v2'] },
};

describe('Linkerd queries', () => {
  it('selects inbound responses by namespace and workload, keeping caller identity, TLS and classification', () => {
    expect(linkerdResponsesQuery('inbound', users, 300)).toBe(
      'sum by (client_id, cluster, tls, classification, authz_kind, authz_name) ' +
        '(rate(response_total{direction="inbound",namespace="accounts",deployment=~"users-v2"}[300s]))',
    );
  });

  it('groups outbound responses by destination service', () => {
    expect(linkerdResponsesQuery('outbound', users, 60)).toBe(
      'sum by (dst_namespace, dst_service, authority, cluster, tls, classification) ' +
        '(rate(response_total{direction="outbound",namespace="accounts",deployment=~"users-v2"}[60s]))',
    );
  });

  it('joins workload kinds with `or`, since one selector cannot match either of two labels', () => {
    expect(
      linkerdRequestsSeriesQuery(
        'inbound',
        {
          namespace: 'accounts',
          workloads: {
            statefulset: ['users-v3'],
            deployment: ['users-v2', 'users-v1', 'users-v2'],
          },
        },
        60,
      ),
    ).toBe(
      'sum by (client_id, cluster) (' +
        'rate(response_total{direction="inbound",namespace="accounts",deployment=~"users-v1|users-v2"}[60s]) or ' +
        'rate(response_total{direction="inbound",namespace="accounts",statefulset=~"users-v3"}[60s]))',
    );
  });

  it('computes quantiles per edge from the buckets', () => {
    expect(linkerdLatencyQuantileQuery('outbound', users, 300, 0.99)).toBe(
      'histogram_quantile(0.99, sum by (dst_namespace, dst_service, authority, cluster, le) ' +
        '(rate(response_latency_ms_bucket{direction="outbound",namespace="accounts",deployment=~"users-v2"}[300s])))',
    );
    expect(() => linkerdLatencyQuantileQuery('inbound', users, 300, 0)).toThrow(
      'between 0 and 1',
    );
  });

  it('counts errors by Linkerd classification', () => {
    expect(linkerdErrorsSeriesQuery('inbound', users, 60)).toContain(
      'deployment=~"users-v2",classification="failure"}[60s]',
    );
  });

  it('keeps a hostile workload name inside its string literal, as a literal regex', () => {
    const query = linkerdResponsesQuery(
      'inbound',
      {
        namespace: 'accounts',
        workloads: { deployment: ['x"} or vector(1) or up{a="\\'] },
      },
      300,
    );
    expect(query).toBe(
      'sum by (client_id, cluster, tls, classification, authz_kind, authz_name) ' +
        '(rate(response_total{direction="inbound",namespace="accounts",' +
        'deployment=~"x\\"\\\\} or vector\\\\(1\\\\) or up\\\\{a=\\"\\\\\\\\"}[300s]))',
    );
    // Every quote but the matchers' own is escaped: the selector still ends where it should.
    const unescapedQuotes = query.match(/(?<!\\)(\\\\)*"/g) ?? [];
    expect(unescapedQuotes).toHaveLength(6);
  });

  it('refuses a namespace that is not a Kubernetes name', () => {
    expect(() =>
      linkerdResponsesQuery(
        'inbound',
        { namespace: 'a"}', workloads: { deployment: ['users-v2'] } },
        300,
      ),
    ).toThrow('is not a DNS-1123 label');
  });

  it('drops empty names, which would match every series without the label, and refuses an empty scope', () => {
    const scope = {
      namespace: 'accounts',
      workloads: { deployment: [''], statefulset: ['users-v3'] },
    };
    expect(linkerdResponsesQuery('inbound', scope, 300)).not.toContain(
      'deployment',
    );
    const empty = { namespace: 'accounts', workloads: { deployment: [''] } };
    expect(hasLinkerdWorkloads(empty)).toBe(false);
    expect(() => linkerdResponsesQuery('inbound', empty, 300)).toThrow(
      'no workloads to select',
    );
  });
});
