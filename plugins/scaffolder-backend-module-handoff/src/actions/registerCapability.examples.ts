import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Register the capability the template just created',
    example: `steps:
  - id: register
    action: handoff:capability:register
    input:
      entityRef: component:default/\${{ parameters.name }}`,
  },
];
