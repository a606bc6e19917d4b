import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Publish locally and register in the catalog',
    example: `steps:
  - id: publish
    action: handoff:publish:local
    input:
      name: \${{ parameters.name }}`,
  },
];
