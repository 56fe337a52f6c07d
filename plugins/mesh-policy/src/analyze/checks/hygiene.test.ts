import type {
  Fleet,
  ServicePort,
} from '@meshport/backstage-plugin-mesh-common';
import { fleet, multiNetwork } from '../../verify/__fixtures__/meshes';
import { withConfig } from '../__fixtures__/withConfig';
import { analyzeFleet } from '../analyzeFleet';
import { hygieneChecks } from './hygiene';
import { declaredProtocol } from './hygiene/protocol';

const check = (code: string) => hygieneChecks.filter(c => c.code === code);
const run = (code: string, f: Fleet) =>
  analyzeFleet(
    { fleet: withConfig(f, { 'cluster-1': [], 'cluster-2': [] }) },
    check(code),
  );

function withPorts(
  f: Fleet,
  service: string,
  cluster: string,
  ports: ServicePort[],
  labels?: Record<string, string>,
): Fleet {
  return {
    ...f,
    services: f.services.map(s =>
      s.id !== service
        ? s
        : {
            ...s,
            instances: s.instances.map(i =>
              i.cluster === cluster
                ? { ...i, ports, labels: { ...i.labels, ...labels } }
                : i,
            ),
          },
    ),
  };
}

const port = (p: Partial<ServicePort>): ServicePort => ({
  port: 9080,
  protocol: 'TCP',
  ...p,
});

describe('declaredProtocol, as Istio reads a Service port', () => {
  it('reads the name prefix, appProtocol first, UDP and well-known ports', () => {
    expect(declaredProtocol(port({ name: 'http-web' }))).toBe('http');
    expect(declaredProtocol(port({ name: 'grpc-web-x' }))).toBe('grpc-web');
    expect(declaredProtocol(port({ name: 'web', appProtocol: 'http2' }))).toBe(
      'http2',
    );
    // appProtocol wins over the name, even when Istio cannot read it
    expect(
      declaredProtocol(port({ name: 'http', appProtocol: 'custom' })),
    ).toBeUndefined();
    expect(declaredProtocol(port({ appProtocol: 'kubernetes.io/h2c' }))).toBe(
      'kubernetes.io/h2c',
    );
    expect(declaredProtocol(port({ protocol: 'UDP' }))).toBe('udp');
    expect(declaredProtocol(port({ port: 3306, name: 'db' }))).toBe('tcp');
    expect(declaredProtocol(port({ name: 'web' }))).toBeUndefined();
    expect(declaredProtocol(port({}))).toBeUndefined();
  });
});

describe('MESH701 port without protocol', () => {
  it('finds the port in every cluster that leaves it undeclared, and names the cluster that declares it', () => {
    let f = multiNetwork();
    f = withPorts(f, 'bookinfo/reviews', 'cluster-2', [port({ name: 'web' })]);
    const { findings } = run('MESH701', f);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH701',
      severity: 'warning',
      services: ['bookinfo/reviews'],
      clusters: ['cluster-2'],
      objects: [{ cluster: 'cluster-2', kind: 'Service', name: 'reviews' }],
      equivalent: { istio: 'IST0118', kiali: 'KIA0601' },
    });
    expect(findings[0].message).toContain(
      'Port 9080 (named "web") of Service bookinfo/reviews in cluster cluster-2',
    );
    expect(findings[0].fix).toContain('as in cluster-1 (name http)');
  });

  it('says nothing for declared ports, UDP, well-known ports and Istio’s own services', () => {
    let f = multiNetwork();
    f = withPorts(f, 'bookinfo/reviews', 'cluster-2', [
      port({ name: 'web', appProtocol: 'http' }),
      port({ port: 53, name: 'dns' }),
      port({ port: 5353, protocol: 'UDP' }),
    ]);
    f = withPorts(
      f,
      'bookinfo/productpage',
      'cluster-1',
      [port({ name: 'status' })],
      { istio: 'ingressgateway' },
    );
    expect(run('MESH701', f).findings).toEqual([]);
  });

  it('never throws on instances with missing or malformed ports', () => {
    let f = multiNetwork();
    f = withPorts(f, 'bookinfo/reviews', 'cluster-2', [
      null as never,
      { name: 'x' } as never,
    ]);
    f = withPorts(f, 'bookinfo/reviews', 'cluster-1', undefined as never);
    const result = run('MESH701', f);
    expect(result.notes.filter(n => n.includes('failed'))).toEqual([]);
  });
});

function mixed(waypoint2?: string) {
  return fleet(
    [
      { name: 'cluster-1', network: 'n1', region: 'us-east-1' },
      { name: 'cluster-2', network: 'n2', region: 'us-west-2' },
    ],
    [
      {
        namespace: 'bookinfo',
        name: 'reviews',
        instances: [
          { cluster: 'cluster-1', versions: ['v1'] },
          {
            cluster: 'cluster-2',
            versions: ['v3'],
            mode: 'ambient',
            waypoint: waypoint2,
          },
        ],
      },
    ],
  );
}

describe('MESH702 sidecar and ambient mixed without a waypoint', () => {
  it('finds a service with sidecar pods in one cluster and bare ambient pods in another', () => {
    const { findings } = run('MESH702', mixed());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH702',
      severity: 'warning',
      services: ['bookinfo/reviews'],
      clusters: ['cluster-1', 'cluster-2'],
      objects: [{ cluster: 'cluster-2', kind: 'Service', name: 'reviews' }],
    });
    expect(findings[0].message).toContain(
      'runs sidecar pods in cluster-1 and ambient pods without a waypoint in cluster-2',
    );
  });

  it('finds the mix within one cluster', () => {
    const f = mixed();
    const c1 = f.services[0].instances[0];
    c1.workloads = [
      ...c1.workloads,
      { ...c1.workloads[0], name: 'reviews-v2', dataPlaneMode: 'ambient' },
    ];
    const { findings } = run('MESH702', f);
    expect(findings.map(x => x.objects.map(o => o.cluster))).toEqual([
      ['cluster-1', 'cluster-2'],
    ]);
  });

  it('says nothing when the ambient pods have a waypoint, or all pods share one mode', () => {
    expect(run('MESH702', mixed('waypoint')).findings).toEqual([]);
    expect(run('MESH702', multiNetwork()).findings).toEqual([]);
  });
});
