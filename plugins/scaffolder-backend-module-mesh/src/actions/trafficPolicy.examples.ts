import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const fetchRepo = {
  id: 'fetch',
  name: 'Fetch the policy repository',
  action: 'fetch:plain',
  input: {
    url: 'https://github.com/meshport-demo/mesh-policies/tree/main',
    targetPath: 'policy-repo',
  },
};

export const examples: TemplateExample[] = [
  {
    description:
      'From cluster-1, send 75 % of reviews to v3 in cluster-2, 15 % to v1 and 10 % to v2 locally, then open the pull request',
    example: yaml.stringify({
      steps: [
        fetchRepo,
        {
          id: 'route',
          name: 'Render the route',
          action: 'meshport:policy:traffic',
          input: {
            service: 'bookinfo/reviews',
            sourceClusters: ['cluster-1'],
            route: [
              { cluster: 'cluster-2', subset: { version: 'v3' }, weight: 75 },
              { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 15 },
              { cluster: 'cluster-1', subset: { version: 'v2' }, weight: 10 },
            ],
          },
        },
        {
          id: 'pr',
          name: 'Open the pull request',
          action: 'publish:github:pull-request',
          input: {
            repoUrl: 'github.com?owner=meshport-demo&repo=mesh-policies',
            sourcePath: '${{ steps.route.output.sourcePath }}',
            filesToDelete: '${{ steps.route.output.filesToDelete }}',
            branchName: '${{ steps.route.output.branchName }}',
            title: '${{ steps.route.output.title }}',
            description: '${{ steps.route.output.description }}',
            reviewers: '${{ steps.route.output.reviewers }}',
            teamReviewers: '${{ steps.route.output.teamReviewers }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Route form values straight from MeshSubsetPicker ({ target, weight } rows), with a timeout and retries',
    example: yaml.stringify({
      steps: [
        fetchRepo,
        {
          id: 'route',
          name: 'Render the route',
          action: 'meshport:policy:traffic',
          input: {
            service: '${{ parameters.service }}',
            name: 'reviews-canary',
            route: [
              { target: { subset: { version: 'v1' } }, weight: 90 },
              { target: { subset: { version: 'v2' } }, weight: 10 },
            ],
            timeout: '5s',
            retries: {
              attempts: 2,
              perTryTimeout: '2s',
              retryOn: ['5xx', 'connect-failure'],
            },
            reason: 'Canary v2 of reviews for the new ratings layout',
          },
        },
      ],
    }),
  },
];
