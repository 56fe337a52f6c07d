import type {
  AccessPolicy,
  TrafficPolicy,
  VirtualDestination,
} from '../schema';

/** The seed scenario: from cluster-1, 75 % of reviews to v3 in cluster-2, 15 % v1 and 10 % v2 locally. */
export function seedPolicy(): TrafficPolicy {
  return {
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'TrafficPolicy',
    metadata: { name: 'reviews-shift', namespace: 'bookinfo' },
    spec: {
      sources: [{ cluster: 'cluster-1' }],
      destination: { service: 'reviews', namespace: 'bookinfo' },
      route: [
        { cluster: 'cluster-2', subset: { version: 'v3' }, weight: 75 },
        { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 15 },
        { cluster: 'cluster-1', subset: { version: 'v2' }, weight: 10 },
      ],
    },
  };
}

export function accessGrant(): AccessPolicy {
  return {
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'AccessPolicy',
    metadata: { name: 'productpage-reads-reviews', namespace: 'bookinfo' },
    spec: {
      sources: [
        {
          cluster: 'cluster-1',
          namespace: 'bookinfo',
          serviceAccount: 'bookinfo-productpage',
        },
      ],
      destination: { service: 'reviews', namespace: 'bookinfo', port: 9080 },
      allow: { methods: ['GET'], paths: ['/reviews/*'] },
    },
  };
}

export function failover(): VirtualDestination {
  return {
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'VirtualDestination',
    metadata: { name: 'reviews-global', namespace: 'bookinfo' },
    spec: {
      hostname: 'reviews.global',
      destination: { service: 'reviews', namespace: 'bookinfo', port: 9080 },
      clusters: ['cluster-1', 'cluster-2'],
      failover: {
        mode: 'locality',
        regions: [
          { from: 'us-east-1', to: 'us-west-2' },
          { from: 'us-west-2', to: 'us-east-1' },
        ],
      },
      outlierDetection: {
        consecutive5xxErrors: 5,
        interval: '10s',
        baseEjectionTime: '30s',
        maxEjectionPercent: 100,
      },
    },
  };
}

export function timeoutPolicy(name: string, timeout: string): TrafficPolicy {
  return {
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'TrafficPolicy',
    metadata: { name, namespace: 'bookinfo' },
    spec: {
      sources: [{ cluster: 'cluster-1' }],
      destination: { service: 'reviews', namespace: 'bookinfo' },
      timeout,
    },
  };
}
