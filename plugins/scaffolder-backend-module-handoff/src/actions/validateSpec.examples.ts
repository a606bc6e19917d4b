import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Validate the generated spec',
    example: `steps:
  - id: validate
    action: handoff:spec:validate
    input:
      path: handoff.yaml`,
  },
];
