import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  bookinfoTeam,
  reviewsComponent,
  testFleet,
} from '../__testUtils__/fixtures';
import { findDestinationOwners, gitlabUsername } from './destinationOwners';

const GITLAB = { provider: 'gitlab', host: 'gitlab.example.com' } as const;
const credentials = mockCredentials.user();
const ownership = testFleet().services.find(
  s => s.namespace === 'bookinfo' && s.name === 'reviews',
)?.ownership;

const member = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default', annotations },
  spec: {},
  relations: [{ type: 'memberOf', targetRef: 'group:default/bookinfo-team' }],
});

const owners = (entities: Entity[], scm?: typeof GITLAB) =>
  findDestinationOwners(
    catalogServiceMock({ entities: [reviewsComponent, ...entities] }),
    'bookinfo/reviews',
    ownership,
    credentials,
    scm,
  );

describe('findDestinationOwners on GitLab', () => {
  it("asks the owning group's members known on the host, by username, sorted", async () => {
    await expect(
      owners(
        [
          bookinfoTeam,
          member('zed', {
            'gitlab.example.com/user-login': 'https://gitlab.example.com/zed',
          }),
          member('amy', {
            'gitlab.example.com/user-login': 'https://gitlab.example.com/amy/',
          }),
          // another host's identity is not this one's
          member('bob', { 'gitlab.com/user-login': 'https://gitlab.com/bob' }),
          member('eve', {
            'gitlab.example.com/user-login': 'https://gitlab.example.com/a b',
          }),
        ],
        GITLAB,
      ),
    ).resolves.toEqual({
      entityRef: 'component:default/reviews.bookinfo',
      ownerRef: 'group:default/bookinfo-team',
      reviewers: ['amy', 'zed'],
      teamReviewers: [],
      // the group has no GitLab path in the catalog: CODEOWNERS names its members
      codeOwners: ['@amy', '@zed'],
    });
  });

  it('asks a User owner by its username', async () => {
    const owner: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: {
        name: 'jane',
        namespace: 'default',
        annotations: {
          'gitlab.example.com/user-login': 'https://gitlab.example.com/jane',
        },
      },
      spec: {},
    };
    const component = {
      ...reviewsComponent,
      spec: { ...reviewsComponent.spec, owner: 'user:default/jane' },
    };
    await expect(
      findDestinationOwners(
        catalogServiceMock({ entities: [component, owner] }),
        'bookinfo/reviews',
        ownership && { ...ownership, owner: 'user:default/jane' },
        credentials,
        GITLAB,
      ),
    ).resolves.toMatchObject({
      reviewers: ['jane'],
      teamReviewers: [],
      codeOwners: ['@jane'],
    });
  });

  it('asks nobody, with a note, when no owner has a GitLab identity (GitHub would refuse)', async () => {
    const result = await owners(
      [
        {
          ...bookinfoTeam,
          metadata: {
            ...bookinfoTeam.metadata,
            annotations: { 'gitlab.example.com/team-path': 'acme/bookinfo' },
          },
        },
      ],
      GITLAB,
    );
    expect(result.reviewers).toEqual([]);
    // a merge request cannot ask a group to review, but CODEOWNERS can name it
    expect(result.codeOwners).toEqual(['@acme/bookinfo']);
    expect(result.reviewerNote).toBe(
      "Nobody was asked to review: no member of group:default/bookinfo-team has a GitLab identity for gitlab.example.com. Add the `gitlab.example.com/user-login` annotation (Backstage's GitLab org provider writes it) to the owner's users, or rely on the repository's approval rules or CODEOWNERS.",
    );
  });

  it('asks nobody, with a note, when the owner is not in the catalog', async () => {
    await expect(owners([], GITLAB)).resolves.toMatchObject({
      reviewers: [],
      reviewerNote: expect.stringContaining(
        'Nobody was asked to review: group:default/bookinfo-team is not in the catalog.',
      ),
    });
  });

  it('still refuses on GitHub when the owner cannot be asked', async () => {
    await expect(owners([])).rejects.toThrow(
      'the owner of component:default/reviews.bookinfo, group:default/bookinfo-team, is not in the catalog, so its review cannot be requested',
    );
  });
});

describe('gitlabUsername', () => {
  it.each([
    ['https://gitlab.example.com/jane', 'jane'],
    ['https://gitlab.example.com/jane.doe/', 'jane.doe'],
    ['jane', 'jane'],
    ['https://gitlab.example.com/a b', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (value, login) => {
    expect(gitlabUsername(value)).toBe(login);
  });
});
