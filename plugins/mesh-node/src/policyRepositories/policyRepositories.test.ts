import { ConfigReader } from '@backstage/config';
import {
  findPolicyRepository,
  parseRepositoryUrl,
  readPolicyRepositories,
} from './policyRepositories';

const read = (policyRepositories: unknown, integrations: object = {}) =>
  readPolicyRepositories(
    new ConfigReader({ mesh: { policyRepositories }, integrations } as any),
  );

describe('readPolicyRepositories', () => {
  it('is empty when nothing is configured', () => {
    expect(readPolicyRepositories(new ConfigReader({}))).toEqual([]);
  });

  it('reads the picker form and the object form, with the provider from integrations', () => {
    const repos = read(
      [
        'github.com?owner=acme&repo=mesh-policies',
        {
          url: 'gitlab.example.com?owner=platform/mesh&repo=policies',
          branch: 'release/prod',
          clusters: ['cluster-2', 'cluster-1', 'cluster-1'],
        },
      ],
      {
        gitlab: [
          {
            host: 'gitlab.example.com',
            apiBaseUrl: 'https://gitlab.example.com/api/v4',
            token: 't',
          },
        ],
      },
    );
    expect(repos).toEqual([
      {
        url: 'github.com?owner=acme&repo=mesh-policies',
        host: 'github.com',
        owner: 'acme',
        repo: 'mesh-policies',
        provider: 'github',
        branch: 'main',
        clusters: undefined,
        webUrl: 'https://github.com/acme/mesh-policies',
      },
      {
        url: 'gitlab.example.com?owner=platform/mesh&repo=policies',
        host: 'gitlab.example.com',
        owner: 'platform/mesh',
        repo: 'policies',
        provider: 'gitlab',
        branch: 'release/prod',
        clusters: ['cluster-1', 'cluster-2'],
        webUrl: 'https://gitlab.example.com/platform/mesh/policies',
      },
    ]);
    expect(
      findPolicyRepository(repos, 'GitHub.com?owner=ACME&repo=mesh-policies'),
    ).toBe(repos[0]);
    expect(
      findPolicyRepository(repos, 'github.com?owner=acme&repo=other'),
    ).toBeUndefined();
  });

  it.each([
    [['github.com/acme/mesh-policies'], /<host>\?owner=<owner>&repo=<repo>/],
    [
      [{ branch: 'main' }],
      /must be a repository URL or \{ url, branch, clusters \}/,
    ],
    [[42], /must be a repository URL/],
    [['bitbucket.org?owner=a&repo=b'], /neither a GitHub nor a GitLab host/],
    [
      [{ url: 'github.com?owner=a&repo=b', branch: '../x' }],
      /branch must be a branch name/,
    ],
    [
      [{ url: 'github.com?owner=a&repo=b', clusters: [''] }],
      /clusters must be a list/,
    ],
    [['github.com?owner=a&repo=b', 'github.com?owner=A&repo=B'], /repeats/],
    ['github.com?owner=a&repo=b', /must be a list/],
  ])('refuses %j with how to fix it', (value, message) => {
    expect(() => read(value)).toThrow(message);
  });
});

describe('parseRepositoryUrl', () => {
  it.each([
    'github.com?owner=a&repo=b&owner=c/..',
    'github.com?owner=../x&repo=b',
    'github.com?owner=a&repo=..',
    'github.com/path?owner=a&repo=b',
    'user:pw@github.com?owner=a&repo=b',
    'github.com?owner=a b&repo=c',
    'github.com?owner=a&repo=',
    '',
  ])('refuses %j', value => {
    expect(parseRepositoryUrl(value)).toBeUndefined();
  });
});
