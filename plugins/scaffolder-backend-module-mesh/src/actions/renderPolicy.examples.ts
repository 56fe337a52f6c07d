import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Render a VirtualDestination written elsewhere (here inline) into the fetched policy repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          name: 'Render the policy',
          action: 'meshport:policy:render',
          input: {
            repositoryPath: 'policy-repo',
            outputPath: 'pull-request',
            policy: {
              apiVersion: 'meshport.dev/v1alpha1',
              kind: 'VirtualDestination',
              metadata: { name: 'reviews-global', namespace: 'bookinfo' },
              spec: {
                hostname: 'reviews.global',
                destination: {
                  service: 'reviews',
                  namespace: 'bookinfo',
                  port: 9080,
                },
                failover: { mode: 'locality' },
              },
            },
          },
        },
      ],
    }),
  },
];
