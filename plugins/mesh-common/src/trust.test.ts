import { mutuallyTrusted, trustedRoots } from './trust';

describe('mutuallyTrusted', () => {
  const mesh1 = { rootCertFingerprint: 'AA' };
  const mesh2 = { rootCertFingerprint: 'BB' };

  it('trusts one shared root and refuses different ones', () => {
    expect(mutuallyTrusted(mesh1, { rootCertFingerprint: 'AA' })).toBe(true);
    expect(mutuallyTrusted(mesh1, mesh2)).toBe(false);
  });

  it("trusts separate meshes only when each bundle holds the other's root", () => {
    const federated1 = { ...mesh1, trustedRootFingerprints: ['AA', 'BB'] };
    const federated2 = { ...mesh2, trustedRootFingerprints: ['BB', 'AA'] };
    expect(mutuallyTrusted(federated1, federated2)).toBe(true);
    expect(mutuallyTrusted(federated1, mesh2)).toBe(false);
    expect(mutuallyTrusted(mesh1, federated2)).toBe(false);
  });

  it('says nothing when a root is unknown', () => {
    expect(mutuallyTrusted(mesh1, {})).toBeUndefined();
    expect(trustedRoots({})).toEqual([]);
  });
});
