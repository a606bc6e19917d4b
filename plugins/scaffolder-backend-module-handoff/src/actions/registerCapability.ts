import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './registerCapability.examples';

/** A date as a PM reads it: 26 December 2026. */
export const inWords = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/**
 * `handoff:capability:register`: records the new capability's first state in the Handoff backend.
 *
 * @public
 */
export function createRegisterCapabilityAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  /** How long to wait for the catalog to take in the new entity (default 60 s). */
  waitSeconds?: number;
}) {
  return createTemplateAction({
    id: 'handoff:capability:register',
    description:
      'Records a new capability in the Handoff backend, on behalf of the user who ran the template: stage proposed and its first review date, from the risk profile of its spec as the backend reads it. Waits for the catalog to take in the entity; refuses an entity that already has a readiness history.',
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe('The new entity, e.g. component:default/churn-model'),
      },
      output: {
        nextReviewAt: z =>
          z.string().describe('The first review date (ISO 8601)'),
        nextReviewOn: z =>
          z
            .string()
            .describe('The first review date in words, e.g. 26 December 2026'),
      },
    },
    async handler(ctx) {
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would register ${ctx.input.entityRef} as proposed`,
        );
        ctx.output('nextReviewAt', 'not set in a dry run');
        ctx.output('nextReviewOn', 'not set in a dry run');
        return;
      }
      const baseUrl = await options.discovery.getBaseUrl('handoff');
      // The catalog processes a new location within seconds; until then the
      // backend answers 404, and this waits for it (at most waitSeconds).
      const deadline = Date.now() + (options.waitSeconds ?? 60) * 1000;
      for (;;) {
        // On behalf of the user who ran the template: the backend records them.
        const { token } = await options.auth.getPluginRequestToken({
          onBehalfOf: await ctx.getInitiatorCredentials(),
          targetPluginId: 'handoff',
        });
        const res = await fetch(`${baseUrl}/registrations`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ entityRef: ctx.input.entityRef }),
        });
        const body = await res.json().catch(() => undefined);
        if (res.ok) {
          const nextReviewOn = inWords(body.nextReviewAt);
          ctx.logger.info(
            `Registered ${ctx.input.entityRef}: proposed, first review on ${nextReviewOn}`,
          );
          ctx.output('nextReviewAt', body.nextReviewAt);
          ctx.output('nextReviewOn', nextReviewOn);
          return;
        }
        if (res.status !== 404 || Date.now() > deadline) {
          throw new InputError(
            `Handoff did not register ${ctx.input.entityRef}: ${
              body?.error?.message ?? res.statusText
            }`,
          );
        }
        ctx.logger.info(
          `Waiting for the catalog to take in ${ctx.input.entityRef} ...`,
        );
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
    },
  });
}
