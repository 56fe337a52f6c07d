import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { demoFleet } from '../__fixtures__/demoFleet';
import {
  linkerdFleet,
  multiNetworkFleet,
  multiPrimaryFleet,
} from '../__fixtures__/fleets';
import { multiNetwork, obj, seedRouting } from '../verify/__fixtures__/meshes';
import { withConfig } from './__fixtures__/withConfig';
import { analyzeFleet } from './analyzeFleet';
import { ALL_CHECKS } from './checks';
import { sameAnalysisInput } from './sameAnalysisInput';

/** A two-network mesh whose config most checks have something to say about. */
function configuredFleet(): Fleet {
  const [vs, dr] = seedRouting();
  const toMissingSubset = obj('VirtualService', 'bookinfo', 'reviews-v9', {
    hosts: ['reviews'],
    http: [{ route: [{ destination: { host: 'reviews', subset: 'v9' } }] }],
  });
  const policy = obj('AuthorizationPolicy', 'bookinfo', 'reviews-callers', {
    selector: { matchLabels: { app: 'reviews' } },
    rules: [{ from: [{ source: { principals: ['nobody/ns/x/sa/y'] } }] }],
  });
  const permissive = obj('PeerAuthentication', 'bookinfo', 'default', {
    mtls: { mode: 'PERMISSIVE' },
  });
  return withConfig(multiNetwork(), {
    'cluster-1': [vs, dr, toMissingSubset, policy, permissive],
    'cluster-2': [dr, policy],
  });
}

const FLEETS: Record<string, () => Fleet> = {
  configured: configuredFleet,
  demo: demoFleet,
  'multi-primary': multiPrimaryFleet,
  'multi-network': multiNetworkFleet,
  linkerd: linkerdFleet,
};

/** The same fleet, assembled later: what a polled pass that read the same content gives. */
function passedAgain(fleet: Fleet): Fleet {
  const later = '2031-05-05T05:05:05.000Z';
  return {
    ...fleet,
    generatedAt: later,
    clusters: fleet.clusters.map(c => ({
      ...c,
      sync: { ...c.sync, lastSuccessAt: later, lastAttemptAt: later },
    })),
    services: [...fleet.services],
  };
}

/** The fleet, recording every read of what `sameAnalysisInput` leaves out. */
function watched(fleet: Fleet, reads: string[]): Fleet {
  const times = new Set(['lastSuccessAt', 'lastAttemptAt']);
  return new Proxy(
    {
      ...fleet,
      clusters: fleet.clusters.map(c => ({
        ...c,
        sync: new Proxy(c.sync, {
          get(target, key, receiver) {
            if (typeof key === 'string' && times.has(key))
              reads.push(`${c.name} sync.${key}`);
            return Reflect.get(target, key, receiver);
          },
        }),
      })),
    },
    {
      get(target, key, receiver) {
        if (key === 'generatedAt') reads.push('generatedAt');
        return Reflect.get(target, key, receiver);
      },
    },
  );
}

describe('sameAnalysisInput', () => {
  it.each(Object.keys(FLEETS))(
    'leaves out only what no check reads (%s fleet)',
    name => {
      const fleet = FLEETS[name]();
      const reads: string[] = [];
      const result = analyzeFleet({ fleet: watched(fleet, reads) });
      expect(reads).toEqual([]);
      expect(result.notes.filter(n => n.includes('failed'))).toEqual([]);
      const again = passedAgain(fleet);
      expect(sameAnalysisInput(fleet, again)).toBe(true);
      expect(analyzeFleet({ fleet: again })).toEqual(result);
    },
  );

  it('is checked on fleets the checks find something in', () => {
    const { findings } = analyzeFleet({ fleet: configuredFleet() }, ALL_CHECKS);
    expect(new Set(findings.map(f => f.code)).size).toBeGreaterThan(2);
  });

  it('holds for equal content in new objects, with unchanged parts shared or not', () => {
    const fleet = configuredFleet();
    expect(sameAnalysisInput(fleet, structuredClone(fleet))).toBe(true);
    expect(sameAnalysisInput(fleet, passedAgain(fleet))).toBe(true);
  });

  const changes: Record<string, (f: Fleet) => void> = {
    'a cluster turned stale': f => {
      f.clusters[0].sync = {
        ...f.clusters[0].sync,
        state: 'stale',
        error: { reason: 'timeout', message: 'timed out' },
      };
    },
    'a config object changed': f => {
      const config = f.clusters[0].config!;
      config[0] = {
        ...config[0],
        spec: { ...config[0].spec, hosts: ['ratings'] },
      };
    },
    'a config object went away': f => {
      f.clusters[0].config = f.clusters[0].config!.slice(1);
    },
    'a new service': f => {
      f.services.push({
        id: 'bookinfo/details',
        namespace: 'bookinfo',
        name: 'details',
        instances: [],
      });
    },
    "a service's instance changed": f => {
      f.services[0].instances[0].endpoints = { ready: 0, total: 3 };
    },
    'a control plane changed': f => {
      f.clusters[1].controlPlanes[0].trustDomain = 'elsewhere.local';
    },
    'a cluster left': f => {
      f.clusters.pop();
    },
    'a link went away': f => {
      f.links.pop();
    },
    'a mesh was found': f => {
      f.meshes.push({
        id: 'istio-mesh2',
        kind: 'istio',
        clusters: [f.clusters[0].name],
        trustDomains: ['cluster.local'],
        rootCertFingerprints: [],
        sharedRootOfTrust: true,
      });
    },
    'a member no check is known to read yet': f => {
      (f.clusters[0] as unknown as Record<string, unknown>).labels = {};
    },
  };
  it.each(Object.keys(changes))('does not hold when %s', name => {
    const fleet = configuredFleet();
    expect(fleet.links.length).toBeGreaterThan(0);
    const changed = passedAgain(structuredClone(fleet));
    changes[name](changed);
    expect(sameAnalysisInput(fleet, changed)).toBe(false);
  });
});
