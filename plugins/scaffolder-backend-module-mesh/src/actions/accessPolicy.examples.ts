import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Let productpage in cluster-1 read reviews (GET /reviews/*), then ask reviews' owners to review",
    example: yaml.stringify({
      steps: [
        {
          id: 'fetch',
          name: 'Fetch the policy repository',
          action: 'fetch:plain',
          input: {
            url: 'https://github.com/meshport-demo/mesh-policies/tree/main',
            targetPath: 'policy-repo',
          },
        },
        {
          id: 'access',
          name: 'Render the access grant',
          action: 'meshport:policy:access',
          input: {
            service: 'bookinfo/reviews',
            port: 9080,
            sources: [
              {
                cluster: 'cluster-1',
                namespace: 'bookinfo',
                serviceAccount: 'bookinfo-productpage',
              },
            ],
            methods: ['GET'],
            paths: ['/reviews/*'],
          },
        },
        {
          id: 'pr',
          name: 'Open the pull request',
          action: 'publish:github:pull-request',
          input: {
            repoUrl: 'github.com?owner=meshport-demo&repo=mesh-policies',
            sourcePath: '${{ steps.access.output.sourcePath }}',
            branchName: '${{ steps.access.output.branchName }}',
            title: '${{ steps.access.output.title }}',
            description: '${{ steps.access.output.description }}',
            teamReviewers: '${{ steps.access.output.teamReviewers }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Let every workload of namespace frontend in cluster-2 call reviews',
    example: yaml.stringify({
      steps: [
        {
          id: 'access',
          name: 'Render the access grant',
          action: 'meshport:policy:access',
          input: {
            service: 'bookinfo/reviews',
            sources: [{ cluster: 'cluster-2', namespace: 'frontend' }],
            repositoryPath: 'policy-repo',
            outputPath: 'pull-request',
          },
        },
      ],
    }),
  },
];
