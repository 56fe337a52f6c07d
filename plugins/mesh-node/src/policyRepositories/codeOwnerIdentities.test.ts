import {
  gitlabMemberUsernames,
  gitlabUsername,
  needsGitlabMembers,
  ownerCodeOwners,
  type IdentityEntity,
} from './codeOwnerIdentities';

const GITHUB = { provider: 'github' as const, host: 'github.com' };
const GITLAB = { provider: 'gitlab' as const, host: 'gitlab.example.com' };
const entity = (
  kind: string,
  annotations?: Record<string, string>,
): IdentityEntity => ({ kind, metadata: { annotations } });

describe('ownerCodeOwners', () => {
  it.each<[string, IdentityEntity | undefined, string[]]>([
    [
      'a team with its organisation',
      entity('Group', { 'github.com/team-slug': 'acme/bookinfo' }),
      ['@acme/bookinfo'],
    ],
    [
      'a team slug without its organisation',
      entity('Group', { 'github.com/team-slug': 'bookinfo' }),
      [],
    ],
    ['a user', entity('User', { 'github.com/user-login': 'jdoe' }), ['@jdoe']],
    ['a group without annotation', entity('Group'), []],
    [
      'a user with only a team slug',
      entity('User', { 'github.com/team-slug': 'acme/x' }),
      [],
    ],
    [
      'a kind that owns nothing',
      entity('Component', { 'github.com/user-login': 'jdoe' }),
      [],
    ],
    ['no owner entity', undefined, []],
  ])('GitHub: %s', (_what, owner, expected) => {
    expect(ownerCodeOwners(owner, GITHUB)).toEqual(expected);
  });

  it.each<[string, IdentityEntity, IdentityEntity[], string[]]>([
    [
      'a group by its full path',
      entity('group', {
        'gitlab.example.com/team-path': ' acme/mesh/bookinfo ',
      }),
      [],
      ['@acme/mesh/bookinfo'],
    ],
    [
      'a user by the last segment of their page',
      entity('User', {
        'gitlab.example.com/user-login': 'https://gitlab.example.com/ann/',
      }),
      [],
      ['@ann'],
    ],
    [
      'a user whose login has a space',
      entity('User', { 'gitlab.example.com/user-login': 'ann smith' }),
      [],
      [],
    ],
    [
      "another host's identity",
      entity('User', { 'gitlab.com/user-login': 'ann' }),
      [],
      [],
    ],
    [
      'a group without its path, by its members',
      entity('Group'),
      [
        entity('User', { 'gitlab.example.com/user-login': 'bob' }),
        entity('User', { 'gitlab.example.com/user-login': 'al' }),
        entity('User', { 'gitlab.example.com/user-login': 'bob' }),
        entity('User'),
      ],
      ['@al', '@bob'],
    ],
  ])('GitLab: %s', (_what, owner, members, expected) => {
    expect(ownerCodeOwners(owner, GITLAB, members)).toEqual(expected);
  });

  it('asks for members only of a GitLab group without its path', () => {
    expect(needsGitlabMembers(entity('Group'), GITLAB)).toBe(true);
    expect(needsGitlabMembers(entity('Group'), GITHUB)).toBe(false);
    expect(
      needsGitlabMembers(
        entity('Group', { 'gitlab.example.com/team-path': 'a/b' }),
        GITLAB,
      ),
    ).toBe(false);
    expect(needsGitlabMembers(entity('User'), GITLAB)).toBe(false);
  });

  it('names at most 20 members', () => {
    const members = Array.from({ length: 25 }, (_, i) =>
      entity('User', {
        'gitlab.example.com/user-login': `u${String(i).padStart(2, '0')}`,
      }),
    );
    expect(gitlabMemberUsernames(members, GITLAB.host)).toHaveLength(20);
  });

  it.each([
    ['', undefined],
    [undefined, undefined],
    ['https://gitlab.com/a.b-c_d', 'a.b-c_d'],
    ['https://gitlab.com/', 'gitlab.com'],
    ['x y', undefined],
  ])('gitlabUsername(%j) is %j', (value, expected) => {
    expect(gitlabUsername(value)).toBe(expected);
  });
});
