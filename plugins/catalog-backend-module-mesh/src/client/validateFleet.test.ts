import { demoFleet } from '../__fixtures__/fleet';
import { validateFleet } from './validateFleet';

describe('validateFleet', () => {
  it('accepts a fleet', () => {
    expect(validateFleet(demoFleet())).toEqual(demoFleet());
  });

  it.each([
    [null, 'the body is not a JSON object'],
    [{ ...demoFleet(), services: {} }, '"services" is not an array'],
    [
      { ...demoFleet(), clusters: [{ sync: { state: 'ok' } }] },
      'clusters[0] has no name',
    ],
    [
      { ...demoFleet(), clusters: [{ name: 'east' }] },
      'cluster east has no sync state',
    ],
    [{ ...demoFleet(), meshes: [{ id: 'm' }] }, 'mesh m has no clusters list'],
    [
      { ...demoFleet(), services: [{ namespace: 'a', name: 'b' }] },
      'service a/b has no instances',
    ],
  ])('rejects %j', (body, problem) => {
    expect(() => validateFleet(body)).toThrow(problem);
  });
});
