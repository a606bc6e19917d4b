import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { RELATION_OWNED_BY, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { HandoffStore } from '../database/HandoffStore';

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
    const overdue = (await store.overdueDecisions(now)).filter(
      d => d.toStage !== 'stopped',
    );
    let sent = 0;
    for (const decision of overdue) {
      const dueAt = new Date(decision.nextReviewAt!);
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
