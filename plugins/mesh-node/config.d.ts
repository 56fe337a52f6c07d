export interface Config {
  mesh?: {
    /**
     * The policy repositories: where requests open pull (GitHub) or merge (GitLab) requests, and
     * what the mesh backend reads to follow every policy from its request to each cluster. Each
     * entry is a repository as the template's repository picker writes it,
     * `<host>?owner=<owner>&repo=<repo>` (a GitLab owner may be a group path), or an object
     * naming also the branch GitOps applies from and the clusters it feeds. The host must be
     * served by `integrations.github` or `integrations.gitlab`. Default: none, so every request
     * is refused until it is set.
     */
    policyRepositories?: Array<
      | string
      | {
          /** `<host>?owner=<owner>&repo=<repo>`. */
          url: string;
          /** The branch GitOps applies from. Default `main`. */
          branch?: string;
          /** The clusters this repository feeds (Backstage cluster names). Default: every cluster. */
          clusters?: string[];
        }
    >;
  };
}
