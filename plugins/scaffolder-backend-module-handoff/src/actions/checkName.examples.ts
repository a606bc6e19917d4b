import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Refuse a name the catalog would refuse, or one already taken, before anything is written',
    example: `steps:
  - id: name
    action: handoff:capability:check-name
    input:
      name: \${{ parameters.name }}`,
  },
];
