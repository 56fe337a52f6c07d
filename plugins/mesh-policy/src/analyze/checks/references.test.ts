import { demoFleet } from '../../__fixtures__/demoFleet';
import {
  multiNetwork,
  obj,
  seedRouting,
} from '../../verify/__fixtures__/meshes';
import { analyzeFleet } from '../analyzeFleet';
import { withConfig } from '../__fixtures__/withConfig';
import { referenceChecks } from './references';

describe('the reference checks together', () => {
  it('find nothing on a healthy two-network mesh routed by hand', () => {
    const [vs, dr] = seedRouting();
    const policy = obj('AuthorizationPolicy', 'bookinfo', 'reviews-callers', {
      selector: { matchLabels: { app: 'reviews' } },
      rules: [
        {
          from: [
            {
              source: {
                principals: [
                  'cluster.local/ns/bookinfo/sa/bookinfo-productpage',
                ],
                namespaces: ['bookinfo'],
              },
            },
          ],
        },
      ],
    });
    const fleet = withConfig(multiNetwork(), {
      'cluster-1': [vs, dr, policy],
      'cluster-2': [dr, policy],
    });
    const { findings, notes } = analyzeFleet({ fleet }, referenceChecks);
    expect(notes).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('run over the demo fleet without failing', () => {
    const { notes } = analyzeFleet({ fleet: demoFleet() }, referenceChecks);
    expect(notes.filter(n => n.includes('failed'))).toEqual([]);
  });

  it('have distinct codes in the references range', () => {
    const codes = referenceChecks.map(c => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^MESH1\d\d$/);
  });
});
