import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import type { Check } from '../../../types';
import { analyzeFleet } from '../../../analyzeFleet';
import { withConfig } from '../../../__fixtures__/withConfig';
import type { ClusterObject } from '../../../../verify/types';

export const REVIEWS_TEAM = 'group:default/reviews-team';
export const PRODUCTPAGE_TEAM = 'group:default/productpage-team';
export const REVIEWS = 'reviews.bookinfo.svc.cluster.local';

/** The fleet with catalog owners on its bookinfo services, so findings can name both teams. */
export function owned(fleet: Fleet): Fleet {
  const owners: Record<string, string> = {
    'bookinfo/reviews': REVIEWS_TEAM,
    'bookinfo/productpage': PRODUCTPAGE_TEAM,
  };
  return {
    ...fleet,
    services: fleet.services.map(s =>
      owners[s.id] ? { ...s, owner: owners[s.id] } : s,
    ),
  };
}

/** Runs one check over the fleet with the given clusters' live config. */
export function run(
  check: Check,
  fleet: Fleet,
  config: Record<string, ClusterObject[]>,
) {
  return analyzeFleet({ fleet: withConfig(owned(fleet), config) }, [check]);
}

/**
 * Objects written the way hand-written YAML goes wrong: nulls, wrong types, missing fields.
 * No check may throw on them.
 */
export function malformed(kind: string): ClusterObject[] {
  const api =
    kind === 'AuthorizationPolicy'
      ? 'security.istio.io/v1'
      : 'networking.istio.io/v1';
  const specs: unknown[] = [
    undefined,
    null,
    'text',
    [],
    { hosts: null, host: 7, http: 'x', subsets: {}, rules: 'x', gateways: 5 },
    {
      hosts: [null, 3, 'reviews'],
      host: null,
      gateways: [null, 4, ''],
      http: [
        null,
        7,
        { route: null, match: 'x' },
        { route: [null, { destination: null }, { destination: { host: 5 } }] },
        { route: [{ destination: { host: '', subset: 3, port: 'x' } }] },
        { mirror: 'x', mirrors: [null, { destination: 4 }] },
      ],
      tcp: [{ route: 'x' }],
      subsets: [null, { name: 5 }, { name: 'a', labels: null }, { labels: {} }],
      rules: [
        null,
        { from: null },
        { from: [null, { source: null }, { source: { principals: 'x' } }] },
        {
          from: [{ source: { principals: [null, 5], namespaces: [null, 3] } }],
        },
      ],
      selector: { matchLabels: null },
    },
  ];
  return specs.map((spec, i) => ({
    apiVersion: api,
    kind,
    metadata: { name: `bad-${i}`, namespace: 'bookinfo' },
    spec: spec as Record<string, unknown>,
  }));
}
