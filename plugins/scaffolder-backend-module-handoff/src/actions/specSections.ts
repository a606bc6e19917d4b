import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  GatePolicy,
  HANDOFF_SPEC_API_VERSION,
  HANDOFF_SPEC_KIND,
  HandoffSpec,
  RiskProfile,
  requiredArtifacts,
  riskTier,
} from '@handoff/backstage-plugin-handoff-common';
import { examples } from './specSections.examples';

const LEVELS = ['low', 'medium', 'high'] as const;

/**
 * `handoff:spec:sections`: the top-level sections of the spec a capability of
 * this risk will need under the configured gate policy (through hand-off), so
 * the template writes a section for each and no more.
 */
export function createSpecSectionsAction(options: { policy: GatePolicy }) {
  return createTemplateAction({
    id: 'handoff:spec:sections',
    description:
      "Lists the handoff spec's sections a capability of the given risk will need under the gate policy (handoff.policy), for the template to write.",
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        risk: z =>
          z
            .object({
              data: z.enum(LEVELS),
              customerImpact: z.enum(LEVELS),
              compliance: z.enum(LEVELS),
              operationalDependency: z.enum(LEVELS),
            })
            .describe('The four risk dimensions the PM chose'),
        usesModel: z =>
          z.boolean().default(false).describe('Whether a model is used'),
      },
      output: {
        sections: z =>
          z
            .array(z.string())
            .describe('Top-level spec sections, e.g. testPlan, dataContracts'),
        paths: z =>
          z
            .array(z.string())
            .describe(
              'The artifact paths the policy names, e.g. observability.slos',
            ),
        tier: z => z.string().describe('low, medium or high'),
      },
    },
    async handler(ctx) {
      // The schema above has checked each dimension is low, medium or high.
      const risk = ctx.input.risk as RiskProfile;
      const spec: HandoffSpec = {
        apiVersion: HANDOFF_SPEC_API_VERSION,
        kind: HANDOFF_SPEC_KIND,
        intent: { problem: 'new' },
        risk,
        ...(ctx.input.usesModel && {
          model: {
            inputs: [{ name: 'input' }],
            outputs: [{ name: 'output' }],
            failureModes: [],
          },
        }),
      };
      const paths = requiredArtifacts(spec, options.policy);
      const sections = [...new Set(paths.map(path => path.split(/[.[]/)[0]))];
      ctx.logger.info(
        `Under the gate policy this capability will need: ${sections.join(
          ', ',
        )}`,
      );
      ctx.output('sections', sections);
      ctx.output('paths', paths);
      ctx.output('tier', riskTier(risk));
    },
  });
}
