/**
 * GitHub at the HTTP edge, for the production smoke test: the OAuth web flow the GitHub
 * auth provider drives, the REST user endpoint its profile comes from, and the GraphQL
 * queries Backstage's org provider sends. The backend reaches it the way it reaches GitHub
 * Enterprise Server: `auth.providers.github.*.enterpriseInstanceUrl` and an
 * `integrations.github` entry with an `apiBaseUrl`.
 *
 * Grounded in what the installed Backstage modules send:
 * - @backstage/plugin-auth-backend-module-github-provider (authenticator): with
 *   enterpriseInstanceUrl, `<url>/login/oauth/authorize`, `<url>/login/oauth/access_token` and
 *   the profile from `<url>/api/v3/user` (passport-github2 maps `node_id` to `nodeId`, which
 *   the `userIdMatchingUserEntityAnnotation` resolver compares with `github.com/user-id`).
 * - @backstage/plugin-catalog-backend-module-github (lib/github): `POST <apiBaseUrl minus
 *   /v3>/graphql` with `organization(login).membersWithRole` (users) and
 *   `organization(login).teams` with each team's members; @octokit/graphql turns an
 *   `/api/v3` base URL into `/api/graphql`. The default transformers name Users by login and
 *   Groups by team slug, and annotate Users with `github.com/user-id` = the node id.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGithubUser {
  login: string;
  /** GitHub's GraphQL node id, which REST calls `node_id`. */
  nodeId: string;
  name: string;
}

export interface FakeGithubOrg {
  login: string;
  users: FakeGithubUser[];
  /** Team slug → the logins of its members. */
  teams: Record<string, string[]>;
}

export interface FakeGithubOptions {
  org: FakeGithubOrg;
  /** GitHub accounts outside the organisation: they can authenticate, and are no members. */
  outsiders?: FakeGithubUser[];
  /** The OAuth app's credentials; the token exchange refuses others. */
  clientId: string;
  clientSecret: string;
  /** The integration token the org provider must send. */
  apiToken: string;
}

export interface FakeGithub {
  url: string;
  /** Every request, `METHOD path` (query left out), to show what the backend asked for. */
  requests: string[];
  stop(): Promise<void>;
}

const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', chunk => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const userNode = (user: FakeGithubUser) => ({
  avatarUrl: `https://avatars.invalid/${user.login}`,
  bio: null,
  email: null,
  id: user.nodeId,
  login: user.login,
  name: user.name,
  organizationVerifiedDomainEmails: [],
});

/** Access tokens are `gho_<login>`: the user who consented, as GitHub would remember. */
const accessTokenFor = (login: string) => `gho_${login}`;

export async function startFakeGithub(
  options: FakeGithubOptions,
): Promise<FakeGithub> {
  const { org } = options;
  const accounts = [...org.users, ...(options.outsiders ?? [])];
  const byLogin = new Map(accounts.map(u => [u.login, u]));
  const codes = new Map<string, string>(); // OAuth code → login
  const requests: string[] = [];

  const graphql = (query: string, variables: Record<string, unknown>) => {
    if (variables.org !== org.login) {
      return { errors: [{ message: `no organization ${variables.org}` }] };
    }
    const pageInfo = { hasNextPage: false, endCursor: null };
    if (query.includes('membersWithRole')) {
      return {
        data: {
          organization: {
            membersWithRole: { pageInfo, nodes: org.users.map(userNode) },
          },
        },
      };
    }
    if (query.includes('teams(')) {
      const nodes = Object.entries(org.teams).map(([slug, members]) => ({
        slug,
        combinedSlug: `${org.login}/${slug}`,
        name: slug,
        description: null,
        avatarUrl: null,
        editTeamUrl: null,
        parentTeam: null,
        members: {
          pageInfo: { hasNextPage: false },
          nodes: members.map(login => userNode(byLogin.get(login)!)),
        },
      }));
      return { data: { organization: { teams: { pageInfo, nodes } } } };
    }
    return {
      errors: [{ message: 'the fake GitHub does not know this query' }],
    };
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-github');
    requests.push(`${req.method} ${url.pathname}`);
    try {
      // The user approves the OAuth app; `as` says who the browser is signed in as.
      if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
        const login = url.searchParams.get('as') ?? '';
        const redirect = url.searchParams.get('redirect_uri');
        if (
          url.searchParams.get('client_id') !== options.clientId ||
          !redirect ||
          !byLogin.has(login)
        ) {
          json(res, 400, { error: 'bad authorize request' });
          return;
        }
        const code = `code-${codes.size}-${login}`;
        codes.set(code, login);
        const target = new URL(redirect);
        target.searchParams.set('code', code);
        target.searchParams.set('state', url.searchParams.get('state') ?? '');
        res.writeHead(302, { location: target.toString() });
        res.end();
        return;
      }
      if (
        req.method === 'POST' &&
        url.pathname === '/login/oauth/access_token'
      ) {
        const form = new URLSearchParams(await readBody(req));
        const login = codes.get(form.get('code') ?? '');
        if (
          form.get('client_id') !== options.clientId ||
          form.get('client_secret') !== options.clientSecret ||
          !login
        ) {
          json(res, 200, { error: 'bad_verification_code' });
          return;
        }
        codes.delete(form.get('code')!);
        json(res, 200, {
          access_token: accessTokenFor(login),
          token_type: 'bearer',
          scope: 'read:user',
        });
        return;
      }
      const auth = req.headers.authorization ?? '';
      if (req.method === 'GET' && url.pathname === '/api/v3/user') {
        const user = accounts.find(
          u =>
            auth === `token ${accessTokenFor(u.login)}` ||
            auth === `Bearer ${accessTokenFor(u.login)}`,
        );
        if (!user) {
          json(res, 401, { message: 'Bad credentials' });
          return;
        }
        json(res, 200, {
          login: user.login,
          id: accounts.indexOf(user) + 1,
          node_id: user.nodeId,
          name: user.name,
          email: null,
          avatar_url: `https://avatars.invalid/${user.login}`,
          html_url: `https://github.invalid/${user.login}`,
        });
        return;
      }
      if (req.method === 'POST' && url.pathname === '/api/graphql') {
        // GitHub takes both schemes; Backstage's credentials provider sends Bearer
        if (
          auth !== `token ${options.apiToken}` &&
          auth !== `Bearer ${options.apiToken}`
        ) {
          json(res, 401, { message: 'Bad credentials' });
          return;
        }
        const { query, variables } = JSON.parse(await readBody(req));
        json(res, 200, graphql(query, variables ?? {}));
        return;
      }
      json(res, 404, { message: 'Not Found' });
    } catch (error) {
      json(res, 500, { message: String(error) });
    }
  });

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
