import { mtls } from '../../__testUtils__/fixtures';
import { describeTrust, summarizeTrust } from './summarizeTrust';

const [c1, c2] = mtls.clusters;
const root = (
  cluster: typeof c1,
  fingerprints: string[],
  sharedWith: string[],
) => ({
  ...cluster,
  rootOfTrust: { fingerprints, sharedWith },
});

describe('summarizeTrust', () => {
  it('groups clusters by the shared-with relation', () => {
    const c3 = { ...c1, cluster: 'cluster-3' };
    expect(
      summarizeTrust([
        root(c1, ['a'], ['cluster-2']),
        root(c2, ['a'], ['cluster-1']),
        root(c3, ['b'], []),
      ]),
    ).toEqual({
      kind: 'split',
      groups: [['cluster-1', 'cluster-2'], ['cluster-3']],
    });
  });

  it('needs no trust for a single cluster, and admits not knowing', () => {
    expect(describeTrust(summarizeTrust([c1]))).toMatch(
      /^Runs only in cluster-1/,
    );
    expect(summarizeTrust([root(c1, [], []), root(c2, ['a'], [])])).toEqual({
      kind: 'unknown',
      clusters: ['cluster-1'],
    });
  });
});
