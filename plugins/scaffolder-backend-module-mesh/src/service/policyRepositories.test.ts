import { mockServices } from '@backstage/backend-test-utils';
import {
  pinPolicyRepository,
  readPolicyRepositorySettings,
  treeUrl,
} from './policyRepositories';

const settings = (data: Record<string, unknown>) =>
  readPolicyRepositorySettings(
    mockServices.rootConfig({ data: data as never }),
  );

const DEMO = 'github.com?owner=meshport-demo&repo=mesh-policies';
const GITLAB = 'gitlab.example.com?owner=platform/mesh&repo=policies';
const gitlabIntegration = (token?: string) => ({
  host: 'gitlab.example.com',
  apiBaseUrl: 'https://gitlab.example.com/api/v4',
  ...(token ? { token } : {}),
});

describe('pinPolicyRepository', () => {
  const configured = settings({
    mesh: {
      policyRepositories: [
        DEMO,
        { url: GITLAB, branch: 'release/prod', clusters: ['cluster-1'] },
      ],
    },
    integrations: {
      github: [{ host: 'github.com', token: 't' }],
      gitlab: [gitlabIntegration('t')],
    },
  });

  it('returns the configured GitHub repository, its branch and its tree for fetch:plain', () => {
    const pinned = pinPolicyRepository(
      'github.com?owner=Meshport-Demo&repo=mesh-policies',
      configured,
    );
    expect(pinned).toMatchObject({
      repoUrl: DEMO,
      fetchUrl: 'https://github.com/meshport-demo/mesh-policies/tree/main',
      canPublish: true,
      previewMessage: '',
      repository: {
        provider: 'github',
        branch: 'main',
        webUrl: 'https://github.com/meshport-demo/mesh-policies',
      },
    });
  });

  it('returns a GitLab repository under a group path, on a branch other than main', () => {
    const pinned = pinPolicyRepository(GITLAB, configured);
    expect(pinned).toMatchObject({
      repoUrl: GITLAB,
      fetchUrl:
        'https://gitlab.example.com/platform/mesh/policies/-/tree/release/prod',
      canPublish: true,
      repository: {
        provider: 'gitlab',
        owner: 'platform/mesh',
        branch: 'release/prod',
      },
    });
  });

  it.each([
    'github.com?owner=mallory&repo=mesh-policies',
    'user:pass@github.com?owner=meshport-demo&repo=mesh-policies',
    'github.com/path?owner=meshport-demo&repo=mesh-policies',
    'gitlab.example.com?owner=platform&repo=policies',
    'github.com?owner=meshport demo&repo=mesh-policies',
    '',
    'not a url',
  ])('refuses %j, naming the configured ones', repoUrl => {
    expect(() => pinPolicyRepository(repoUrl, configured)).toThrow(
      `is not a configured policy repository; pick one of ${DEMO}, ${GITLAB} (mesh.policyRepositories)`,
    );
  });

  it('does not refuse a GitHub host without a token: it says what would be opened and how to configure one', () => {
    // what ${GITHUB_TOKEN} leaves when the variable is unset: no token at all
    const noToken = settings({
      mesh: { policyRepositories: [DEMO] },
      integrations: { github: [{ host: 'github.com' }] },
    });
    const pinned = pinPolicyRepository(DEMO, noToken);
    expect(pinned.canPublish).toBe(false);
    expect(pinned.previewMessage).toContain(
      'No GitHub token is configured for github.com, so no pull request was opened.',
    );
    expect(pinned.previewMessage).toContain(
      '[meshport-demo/mesh-policies](https://github.com/meshport-demo/mesh-policies)',
    );
    expect(pinned.previewMessage).toContain('**Into branch:** `main`');
    expect(pinned.previewMessage).toContain(
      'set `integrations.github[].token` for host github.com in app-config (this app-config reads it from the `GITHUB_TOKEN` environment variable), or configure a GitHub App there',
    );
  });

  it('counts a GitHub App as credentials', () => {
    const app = settings({
      mesh: { policyRepositories: [DEMO] },
      integrations: {
        github: [
          {
            host: 'github.com',
            apps: [
              {
                appId: 1,
                clientId: 'c',
                clientSecret: 's',
                webhookSecret: 'w',
                privateKey: 'k',
              },
            ],
          },
        ],
      },
    });
    expect(pinPolicyRepository(DEMO, app).canPublish).toBe(true);
  });

  it('says how to configure a GitLab token, and a GitHub token does not count for GitLab', () => {
    const noToken = settings({
      mesh: { policyRepositories: [GITLAB] },
      integrations: {
        github: [{ host: 'github.com', token: 't' }],
        gitlab: [gitlabIntegration()],
      },
    });
    const pinned = pinPolicyRepository(GITLAB, noToken);
    expect(pinned.canPublish).toBe(false);
    expect(pinned.previewMessage).toContain(
      'No GitLab token is configured for gitlab.example.com, so no merge request was opened.',
    );
    expect(pinned.previewMessage).toContain(
      'set `integrations.gitlab[].token` for host gitlab.example.com in app-config (this app-config reads it from the `GITLAB_TOKEN` environment variable);',
    );
    expect(pinned.previewMessage).not.toContain('GitHub App');
  });

  it('refuses every request until a repository is configured', () => {
    expect(() => pinPolicyRepository(DEMO, settings({}))).toThrow(
      'no policy repository is configured: set mesh.policyRepositories',
    );
  });

  it("names a malformed configured repository (mesh-node's reader)", () => {
    expect(() =>
      settings({ mesh: { policyRepositories: ['github.com/acme/x'] } }),
    ).toThrow(
      'mesh.policyRepositories[0] must name a repository as <host>?owner=<owner>&repo=<repo>',
    );
  });
});

describe('treeUrl', () => {
  it('encodes each segment, keeping the branch path', () => {
    expect(
      treeUrl({
        url: 'x',
        host: 'github.com',
        owner: 'acme',
        repo: 'policies',
        provider: 'github',
        branch: 'release/2026.1',
        webUrl: 'https://github.com/acme/policies',
      }),
    ).toBe('https://github.com/acme/policies/tree/release/2026.1');
  });
});
