import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { RELATION_OWNED_BY, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  REVIEW_CADENCE_DAYS,
  riskTier,
  riskProfileSchema,
} from '@handoff/backstage-plugin-handoff-common';
import { HandoffStore } from '../database/HandoffStore';

/** The first review of a capability without decisions: one cadence after its spec was first seen. */
export function firstReviewDate(firstSeenAt: string, document: unknown): Date {
  // The risk profile decides the cadence, even when another part of the spec is invalid.
  const risk = riskProfileSchema.safeParse(
    (document as { risk?: unknown } | undefined)?.risk,
  );
  const tier = riskTier(risk.success ? risk.data : undefined);
  return new Date(
    new Date(firstSeenAt).getTime() + REVIEW_CADENCE_DAYS[tier] * 86_400_000,
  );
}

/**
 * Finds capabilities whose review date has passed and tells their owner,
 * once per review period: the reminder is claimed in the database first, so
 * several replicas running the sweep together send it once.
 */
export class ReviewReminders {
  constructor(
    private readonly deps: {
      store: HandoffStore;
      catalog: CatalogService;
      auth: AuthService;
      notifications: NotificationService;
      logger: LoggerService;
    },
  ) {}

  async sendDue(now: Date = new Date()): Promise<number> {
    const { store, catalog, auth, notifications, logger } = this.deps;
    const decided = (await store.overdueDecisions(now))
      .filter(d => d.toStage !== 'stopped')
      .map(d => ({ entityRef: d.entityRef, dueAt: new Date(d.nextReviewAt!) }));
    // Capabilities nobody decided on yet: their first review falls due one
    // cadence after their spec was first seen.
    const undecided = (await store.undecidedSpecs())
      .map(s => ({
        entityRef: s.entityRef,
        dueAt: firstReviewDate(s.firstSeenAt, s.document),
      }))
      .filter(s => s.dueAt.getTime() < now.getTime());
    let sent = 0;
    for (const decision of [...decided, ...undecided]) {
      const { dueAt } = decision;
      if (!(await store.claimReminder(decision.entityRef, dueAt, now))) {
        continue;
      }
      const entity = await catalog.getEntityByRef(decision.entityRef, {
        credentials: await auth.getOwnServiceCredentials(),
      });
      const owner =
        entity?.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef ??
        decision.entityRef;
      const { kind, namespace, name } = parseEntityRef(decision.entityRef);
      const days = Math.floor((now.getTime() - dueAt.getTime()) / 86_400_000);
      await notifications.send({
        recipients: { type: 'entity', entityRef: owner },
        payload: {
          title: `Review overdue: ${entity?.metadata.title ?? name}`,
          description: `The readiness review was due on ${dueAt
            .toISOString()
            .slice(0, 10)}${
            days > 0 ? `, ${days} days ago` : ''
          }. Record a decision (operate, harden, hand off, reframe or stop) to set the next one.`,
          link: `/catalog/${namespace}/${kind.toLocaleLowerCase(
            'en-US',
          )}/${name}/handoff`,
          severity: 'high',
          topic: 'handoff-review',
          scope: `handoff-review:${decision.entityRef}:${dueAt.toISOString()}`,
        },
      });
      sent += 1;
    }
    if (sent) logger.info(`Sent ${sent} overdue review reminders`);
    return sent;
  }
}
