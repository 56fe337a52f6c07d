import { multiNetwork, obj } from '../../../verify/__fixtures__/meshes';
import { gatewayNotFound } from './gateways';
import { malformed, REVIEWS_TEAM, run } from './__fixtures__/fleets';

const bound = (gateways: unknown) =>
  obj('VirtualService', 'bookinfo', 'reviews', {
    hosts: ['reviews'],
    gateways,
    http: [{ route: [{ destination: { host: 'reviews' } }] }],
  });
const gateway = (namespace: string, name: string) =>
  obj('Gateway', namespace, name, {
    selector: { istio: 'ingressgateway' },
    servers: [
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] },
    ],
  });

describe('MESH103 gateway not found', () => {
  it('reports a Gateway that exists only in another cluster', () => {
    const { findings } = run(gatewayNotFound, multiNetwork(), {
      'cluster-1': [bound(['bookinfo-gateway', 'mesh'])],
      'cluster-2': [gateway('bookinfo', 'bookinfo-gateway')],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH103',
      severity: 'error',
      equivalent: { istio: 'IST0101', kiali: 'KIA1102' },
      objects: [
        { cluster: 'cluster-1', kind: 'VirtualService', name: 'reviews' },
      ],
      clusters: ['cluster-1', 'cluster-2'],
      owners: [REVIEWS_TEAM],
    });
    expect(findings[0].message).toBe(
      "VirtualService bookinfo/reviews in cluster cluster-1 is bound to Gateway bookinfo/bookinfo-gateway, which cluster cluster-1 does not have (it exists in cluster-2; istiod reads only its own cluster's Gateways): no gateway serves its routes there.",
    );
    expect(findings[0].fix).toContain(
      'Apply Gateway bookinfo/bookinfo-gateway in cluster cluster-1 too',
    );
  });

  it('does not count a Gateway API Gateway of the same name', () => {
    const { findings } = run(gatewayNotFound, multiNetwork(), {
      'cluster-1': [
        bound(['istio-system/ingress']),
        {
          ...gateway('istio-system', 'ingress'),
          apiVersion: 'gateway.networking.k8s.io/v1',
        },
      ],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].fix).toContain('create Gateway istio-system/ingress');
  });

  it('is silent for existing Gateways, short or qualified, and for mesh', () => {
    const { findings } = run(gatewayNotFound, multiNetwork(), {
      'cluster-1': [
        bound(['bookinfo-gateway', 'istio-system/ingress', 'mesh']),
        gateway('bookinfo', 'bookinfo-gateway'),
        gateway('istio-system', 'ingress'),
      ],
    });
    expect(findings).toEqual([]);
  });

  it('never throws on malformed objects', () => {
    const { findings, notes } = run(gatewayNotFound, multiNetwork(), {
      'cluster-1': [...malformed('VirtualService'), ...malformed('Gateway')],
    });
    expect(notes.filter(n => n.includes('failed'))).toEqual([]);
    // bad-5 names gateway "" and null: no names, nothing to report.
    expect(findings).toEqual([]);
  });
});
