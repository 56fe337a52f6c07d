export interface Config {
  mesh?: {
    /**
     * The policy repositories requests may open pull requests on, as the template's
     * repository picker writes them: `github.com?owner=<org>&repo=<name>`. The first step of
     * each request template (`meshport:policy:repository`) refuses any other repository, and
     * a repository whose host has no `integrations.github[].token` (or GitHub App). Default:
     * none, so every request is refused until it is set.
     */
    policyRepositories?: string[];
  };
}
