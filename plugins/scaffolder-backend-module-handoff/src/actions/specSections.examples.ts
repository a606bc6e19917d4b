import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Ask the gate policy which spec sections a new capability will need',
    example: `steps:
  - id: sections
    action: handoff:spec:sections
    input:
      risk:
        data: \${{ parameters.dataRisk }}
        customerImpact: \${{ parameters.customerImpact }}
        compliance: \${{ parameters.complianceRisk }}
        operationalDependency: \${{ parameters.operationalDependency }}
      usesModel: \${{ parameters.usesModel }}`,
  },
];
