import { mockServices } from '@backstage/backend-test-utils';
import {
  pinPolicyRepository,
  readPolicyRepositorySettings,
} from './policyRepositories';

const settings = (data: Record<string, unknown>) =>
  readPolicyRepositorySettings(
    mockServices.rootConfig({ data: data as never }),
  );

const DEMO = 'github.com?owner=meshport-demo&repo=mesh-policies';

describe('pinPolicyRepository', () => {
  const configured = settings({
    mesh: { policyRepositories: [DEMO] },
    integrations: { github: [{ host: 'github.com', token: 't' }] },
  });

  it('returns the configured repository and its fetch URL', () => {
    expect(
      pinPolicyRepository(
        'github.com?owner=Meshport-Demo&repo=mesh-policies',
        configured,
      ),
    ).toEqual({
      repoUrl: DEMO,
      fetchUrl: 'https://github.com/meshport-demo/mesh-policies',
    });
  });

  it.each([
    'github.com?owner=mallory&repo=mesh-policies',
    'user:pass@github.com?owner=meshport-demo&repo=mesh-policies',
    'github.com/path?owner=meshport-demo&repo=mesh-policies',
    'not a url',
  ])('refuses %s', repoUrl => {
    expect(() => pinPolicyRepository(repoUrl, configured)).toThrow(
      'is not a configured policy repository; pick one of github.com?owner=meshport-demo&repo=mesh-policies (mesh.policyRepositories)',
    );
  });

  it('says how to give the pull request a token when the host has none', () => {
    // what ${GITHUB_TOKEN} leaves when the variable is unset: no token at all
    const noToken = settings({
      mesh: { policyRepositories: [DEMO] },
      integrations: { github: [{ host: 'github.com' }] },
    });
    expect(() => pinPolicyRepository(DEMO, noToken)).toThrow(
      'no GitHub token is configured for github.com, so the pull request cannot be opened; set integrations.github[].token for host github.com in app-config (the demo reads it from the GITHUB_TOKEN environment variable), or configure a GitHub App there',
    );
  });

  it('refuses every request until a repository is configured', () => {
    expect(() => pinPolicyRepository(DEMO, settings({}))).toThrow(
      'no policy repository is configured: set mesh.policyRepositories',
    );
  });

  it('names a malformed configured repository', () => {
    expect(() =>
      settings({ mesh: { policyRepositories: ['github.com/acme/x'] } }),
    ).toThrow(
      'mesh.policyRepositories[0] must name a repository as <host>?owner=<owner>&repo=<repo>',
    );
  });
});
