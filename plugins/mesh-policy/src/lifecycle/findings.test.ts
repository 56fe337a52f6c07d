import {
  applied,
  fleetWith,
  GRANT,
  input,
  renderedFiles,
  SEED,
  status,
} from './__fixtures__/lifecycle';
import { computePolicyStates } from './computePolicyStates';
import { lifecycleFindings } from './findings';

describe('lifecycleFindings', () => {
  const files = renderedFiles();
  const fleet = fleetWith();

  it('reports nothing while every policy is applied or on its way', () => {
    const r = computePolicyStates(input({ 'cluster-1': [], 'cluster-2': [] }));
    expect(lifecycleFindings(r, fleet)).toEqual([]);
  });

  it('reads no service of the fleet when no finding needs an owner', () => {
    const r = computePolicyStates(input({ 'cluster-1': [], 'cluster-2': [] }));
    const unread = {
      ...fleet,
      get services(): never {
        throw new Error('the services were read');
      },
    };
    expect(lifecycleFindings(r, unread)).toEqual([]);
  });

  it('reports a rejected, a drifted and a missing policy, and an orphan, worst first', () => {
    const applyAll = {
      'cluster-1': applied(files, 'cluster-1'),
      'cluster-2': applied(files, 'cluster-2'),
    };
    // seen pending first, so the apply time is one the lifecycle observed
    const pending = computePolicyStates(
      input(
        { 'cluster-1': [], 'cluster-2': [] },
        {},
        '2026-12-01T11:00:00.000Z',
      ),
    );
    const before = computePolicyStates(input(applyAll, pending.memory));

    const live = structuredClone(applyAll);
    // cluster-1: the VirtualService edited by hand, the AuthorizationPolicy rejected
    const vs = live['cluster-1'].find(o => o.kind === 'VirtualService')!;
    (vs.spec.http as any)[0].route[0].weight = 50;
    live['cluster-1'].find(o => o.kind === 'AuthorizationPolicy')!.status = {
      validationMessages: [
        {
          type: { code: 'IST0101', name: 'ReferencedResourceNotFound' },
          level: 'ERROR',
          description: 'Referenced principal not found',
        },
      ],
    };
    // cluster-2: the AuthorizationPolicy deleted; a stray managed object left behind
    const stray = structuredClone(live['cluster-2'][0]);
    stray.metadata.name = 'meshport-old';
    stray.metadata.labels!['meshport.dev/policy'] = 'accesspolicy.bookinfo.old';
    live['cluster-2'] = [stray];
    const r = computePolicyStates(
      input(live, before.memory, '2026-12-01T13:00:00.000Z'),
    );
    const findings = lifecycleFindings(r, fleet);
    expect(findings.map(f => [f.code, f.severity, f.key])).toEqual([
      [
        'MESH801',
        'error',
        `MESH801|cluster-1/AuthorizationPolicy/bookinfo/meshport-bookinfo-productpage-reads-reviews|${GRANT}`,
      ],
      [
        'MESH803',
        'error',
        `MESH803|cluster-2/AuthorizationPolicy/bookinfo/meshport-bookinfo-productpage-reads-reviews|${GRANT}`,
      ],
      [
        'MESH802',
        'warning',
        `MESH802|cluster-1/VirtualService/bookinfo/meshport-reviews|${SEED}`,
      ],
      [
        'MESH804',
        'info',
        'MESH804|cluster-2/AuthorizationPolicy/bookinfo/meshport-old|accesspolicy.bookinfo.old',
      ],
    ]);
    const [rejected, missing, drifted, orphan] = findings;
    expect(rejected).toMatchObject({
      clusters: ['cluster-1'],
      services: ['bookinfo/reviews'],
      owners: ['team-bookinfo'],
      objects: [
        {
          cluster: 'cluster-1',
          kind: 'AuthorizationPolicy',
          meshportPolicy: GRANT,
        },
      ],
    });
    expect(rejected.message).toContain(
      'IST0101: Referenced principal not found',
    );
    expect(missing.message).toContain('first at 2026-12-01T12:00:00.000Z');
    expect(missing.fix).toContain(
      'rendered/cluster-2/bookinfo/reviews/authorizationpolicy-meshport-bookinfo-productpage-reads-reviews.yaml',
    );
    expect(drifted.message).toContain(
      'spec.http[0].route[0].weight: rendered 75, live 50',
    );
    expect(drifted.fix).toMatch(/apply .* again .* open a pull request/);
    expect(orphan).toMatchObject({
      services: [],
      owners: ['team-bookinfo'],
      objects: [{ meshportPolicy: 'accesspolicy.bookinfo.old' }],
    });
  });

  it('says when a finding comes from a stale cluster, and names at most five fields', () => {
    const live = applied(files, 'cluster-1');
    const vs = live.find(o => o.kind === 'VirtualService')!;
    vs.spec.http = [{ name: 'a', b: 1, c: 2, d: 3, e: 4, f: 5, g: 6 }];
    const staleInput = input({ 'cluster-1': live });
    staleInput.fleet.clusters[0].sync = { state: 'stale' };
    const [f] = lifecycleFindings(computePolicyStates(staleInput), fleet);
    expect(f.code).toBe('MESH802');
    expect(f.message).toMatch(/and \d+ more fields/);
    expect(f.message).toContain('Cluster cluster-1 is stale');
  });

  it('gives findings no owner when the fleet resolved none', () => {
    const live = applied(files, 'cluster-1');
    live.find(o => o.kind === 'VirtualService')!.spec.hosts = ['x'];
    const r = computePolicyStates(input({ 'cluster-1': live }));
    const unowned = fleetWith();
    for (const s of unowned.services) delete s.owner;
    expect(lifecycleFindings(r, unowned).map(f => f.owners)).toEqual([[]]);
  });

  it('ignores repositories whose policies are only requested', () => {
    const r = computePolicyStates(
      input({}, {}, undefined, [{ status: status(), pullRequests: [] }]),
    );
    expect(lifecycleFindings(r, fleet)).toEqual([]);
  });
});
