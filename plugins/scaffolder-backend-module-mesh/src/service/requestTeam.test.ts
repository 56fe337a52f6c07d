import type { Entity } from '@backstage/catalog-model';
import { requesterGroups, requestTeam } from './requestTeam';

const user = (extra: Partial<Entity>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'jane', namespace: 'default' },
  ...extra,
});

describe('requesterGroups', () => {
  it('reads memberOf relations, sorted and once each', () => {
    expect(
      requesterGroups(
        user({
          relations: [
            { type: 'memberOf', targetRef: 'group:default/team-b' },
            { type: 'ownerOf', targetRef: 'component:default/x' },
            { type: 'memberOf', targetRef: 'group:default/team-a' },
            { type: 'memberOf', targetRef: 'group:default/team-b' },
          ],
          spec: { memberOf: ['ignored-when-relations-exist'] },
        }),
      ),
    ).toEqual(['group:default/team-a', 'group:default/team-b']);
  });

  it("falls back to spec.memberOf, in the user's namespace, leaving out what is not a ref", () => {
    expect(
      requesterGroups(
        user({
          metadata: { name: 'jane', namespace: 'platform' },
          spec: {
            memberOf: ['ops', 'group:default/sre', 42, 'user:default/x', ''],
          },
        }),
      ),
    ).toEqual(['group:default/sre', 'group:platform/ops']);
  });

  it('is empty without a user entity or groups', () => {
    expect(requesterGroups(undefined)).toEqual([]);
    expect(requesterGroups(user({}))).toEqual([]);
  });
});

describe('requestTeam', () => {
  const groups = ['group:default/frontend', 'group:default/reviews-team'];

  it("is the requester's group that owns the destination", () => {
    expect(requestTeam(groups, 'group:default/reviews-team')).toBe(
      'group:default/reviews-team',
    );
  });

  it("is the requester's first group when none owns the destination (an access grant)", () => {
    expect(requestTeam(groups, 'group:default/payments')).toBe(
      'group:default/frontend',
    );
  });

  it('is none for a requester in no group', () => {
    expect(requestTeam([], 'group:default/payments')).toBeUndefined();
  });
});
