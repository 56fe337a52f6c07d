import {
  claimAgrees,
  describeOwnershipConflict,
  OwnerClaim,
  resolveOwnership,
} from './ownership';

const label = (
  owner: string,
  cluster: string,
  from: OwnerClaim['from'] = 'service-label',
): OwnerClaim => ({ owner: `group:default/${owner}`, cluster, from });

describe('resolveOwnership', () => {
  it('takes the owner every cluster agrees on', () => {
    const o = resolveOwnership({
      labels: [
        label('bookinfo-team', 'cluster-2', 'namespace-label'),
        label('bookinfo-team', 'cluster-1'),
      ],
    });
    expect(o.owner).toBe('group:default/bookinfo-team');
    expect(o.conflict).toBeUndefined();
    expect(o.claims.map(c => c.cluster)).toEqual(['cluster-1', 'cluster-2']);
  });

  it('turns a label in a cluster sorting first into a conflict with no owner, not a takeover', () => {
    const o = resolveOwnership({
      labels: [
        label('bookinfo-team', 'cluster-1'),
        label('mallory-team', 'a-dev'),
      ],
    });
    expect(o.owner).toBeUndefined();
    expect(o.conflict?.claims.map(c => c.owner)).toEqual([
      'group:default/mallory-team',
      'group:default/bookinfo-team',
    ]);
    expect(describeOwnershipConflict('bookinfo/reviews', o.conflict!)).toBe(
      'the ownership of mesh service bookinfo/reviews is in conflict, so it has no owner: group:default/mallory-team (Service label in a-dev) vs group:default/bookinfo-team (Service label in cluster-1). Make the meshport.dev/owner labels agree in every cluster, or have the platform team add the service to mesh.ownership.owners',
    );
  });

  it('lets the platform configuration settle a dispute, keeping the labels visible', () => {
    const o = resolveOwnership({
      configured: 'group:default/bookinfo-team',
      labels: [
        label('bookinfo-team', 'cluster-1'),
        label('mallory-team', 'a-dev'),
      ],
    });
    expect(o.owner).toBe('group:default/bookinfo-team');
    expect(o.conflict).toBeUndefined();
    expect(o.claims).toHaveLength(3);
  });

  it('reads owners as Backstage compares entity refs, without regard to case', () => {
    const o = resolveOwnership({
      labels: [label('bookinfo-team', 'c1'), label('Bookinfo-Team', 'c2')],
    });
    expect(o.conflict).toBeUndefined();
    expect(o.owner).toBe('group:default/bookinfo-team');
    expect(claimAgrees(o, 'group:default/BookInfo-team')).toBe(true);
  });

  it('leaves a service nobody labelled unowned', () => {
    expect(resolveOwnership({ labels: [] })).toEqual({ claims: [] });
  });
});

describe('claimAgrees', () => {
  const owned = resolveOwnership({ labels: [label('bookinfo-team', 'c1')] });
  it('counts a claim by the resolved owner only', () => {
    expect(claimAgrees(owned, 'group:default/bookinfo-team')).toBe(true);
    expect(claimAgrees(owned, 'user:default/mallory')).toBe(false);
  });
  it('counts no claim on an unowned or disputed service', () => {
    expect(claimAgrees({ claims: [] }, 'user:default/mallory')).toBe(false);
    expect(claimAgrees(undefined, 'user:default/mallory')).toBe(false);
  });
});
