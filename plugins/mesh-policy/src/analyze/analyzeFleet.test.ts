import { multiNetwork, obj } from '../verify/__fixtures__/meshes';
import { withConfig } from './__fixtures__/withConfig';
import {
  analyzeFleet,
  analyzeFleetStepwise,
  diffFindings,
} from './analyzeFleet';
import { allSteps, type Check, type FindingDraft } from './types';

const flagEveryVirtualService: Check = {
  code: 'MESH990',
  severity: 'warning',
  title: 'test check',
  run: ctx =>
    ctx.clustersWithConfig().flatMap(cluster =>
      ctx
        .config(cluster)
        .ofKind('VirtualService')
        .map(vs => ({
          message: `${vs.metadata.name} in ${cluster}`,
          fix: 'none',
          objects: [ctx.ref(cluster, vs)],
          services: ['bookinfo/reviews'],
        })),
    ),
};

const vs = (name: string) =>
  obj('VirtualService', 'bookinfo', name, { hosts: ['reviews'] });

describe('analyzeFleet', () => {
  it('says which clusters it could not analyse, and runs the rest', () => {
    const fleet = multiNetwork();
    const [first, ...rest] = fleet.clusters.map(c => c.name);
    const result = analyzeFleet(
      { fleet: withConfig(fleet, { [first]: [vs('a')] }) },
      [flagEveryVirtualService],
    );
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      code: 'MESH990',
      clusters: [first],
      services: ['bookinfo/reviews'],
    });
    for (const c of rest)
      expect(result.notes.join('\n')).toContain(`Cluster ${c} `);
  });

  it('reports a check that throws as a note and runs the others', () => {
    const broken: Check = {
      code: 'MESH991',
      severity: 'error',
      title: 'broken',
      run: () => {
        throw new Error('boom');
      },
    };
    const fleet = multiNetwork();
    const name = fleet.clusters[0].name;
    const result = analyzeFleet(
      { fleet: withConfig(fleet, { [name]: [vs('a')] }) },
      [broken, flagEveryVirtualService],
    );
    expect(result.findings.map(f => f.code)).toEqual(['MESH990']);
    expect(result.notes.join('\n')).toContain('MESH991 (broken) failed');
  });

  it('applies a pull request: proposed objects replace live ones and are marked', () => {
    const fleet = multiNetwork();
    const name = fleet.clusters[0].name;
    const live = withConfig(fleet, { [name]: [vs('a'), vs('b')] });
    const before = analyzeFleet({ fleet: live }, [flagEveryVirtualService]);
    const after = analyzeFleet(
      {
        fleet: live,
        proposed: { [name]: [vs('c')] },
        removed: {
          [name]: [
            { kind: 'VirtualService', namespace: 'bookinfo', name: 'a' },
          ],
        },
      },
      [flagEveryVirtualService],
    );
    expect(after.findings.map(f => f.objects[0].name)).toEqual(['b', 'c']);
    expect(
      after.findings.find(f => f.objects[0].name === 'c')?.objects[0],
    ).toMatchObject({ proposed: true });
    const diff = diffFindings(before.findings, after.findings);
    expect(diff.introduced.map(f => f.objects[0].name)).toEqual(['c']);
    expect(diff.resolved.map(f => f.objects[0].name)).toEqual(['a']);
  });

  describe('stepwise', () => {
    /** flagEveryVirtualService, one cluster per slice. */
    const sliced: Check = {
      ...flagEveryVirtualService,
      code: 'MESH992',
      run: ctx => allSteps(sliced.steps!(ctx)),
      *steps(ctx) {
        const drafts: FindingDraft[] = [];
        for (const cluster of ctx.clustersWithConfig()) {
          drafts.push(
            ...flagEveryVirtualService
              .run(ctx)
              .filter(d => d.objects.every(o => o.cluster === cluster)),
          );
          yield;
        }
        return drafts;
      },
    };
    const configured = () => {
      const fleet = multiNetwork();
      const [first, second] = fleet.clusters.map(c => c.name);
      return withConfig(fleet, {
        [first]: [vs('a'), vs('b')],
        [second]: [vs('c')],
      });
    };

    it('yields between the slices of a check and after each check, with analyzeFleet’s result', () => {
      const fleet = configured();
      const steps = analyzeFleetStepwise({ fleet }, [
        sliced,
        flagEveryVirtualService,
      ]);
      let yields = 0;
      let step = steps.next();
      while (!step.done) {
        yields++;
        step = steps.next();
      }
      // two slices of MESH992, then one yield after each of the two checks
      expect(yields).toBe(4);
      expect(step.value).toEqual(
        analyzeFleet({ fleet }, [sliced, flagEveryVirtualService]),
      );
      expect(step.value.findings.map(f => f.code)).toEqual([
        ...Array(3).fill('MESH990'),
        ...Array(3).fill('MESH992'),
      ]);
    });

    it('reports a check that throws between its slices as a note', () => {
      const breaking: Check = {
        ...sliced,
        code: 'MESH993',
        title: 'breaks after a slice',
        *steps() {
          yield;
          throw new Error('boom');
        },
      };
      const result = analyzeFleet({ fleet: configured() }, [
        breaking,
        flagEveryVirtualService,
      ]);
      expect(result.findings.map(f => f.code)).toEqual(
        Array(3).fill('MESH990'),
      );
      expect(result.notes.join('\n')).toContain(
        'MESH993 (breaks after a slice) failed',
      );
    });
  });
});
