import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { RELATION_OWNED_BY, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  daysBetween,
  RiskLevel,
  firstReviewDate,
  registeredReviewDate,
} from '@handoff/backstage-plugin-handoff-common';
import { HandoffStore } from '../database/HandoffStore';
import { randomUUID } from 'crypto';

/** How long a claimed reminder is held before another sweep may take it over. */
const REMINDER_LEASE_MS = 2 * 60_000;

/**
 * Finds capabilities whose review date has passed and tells their owner,
 * once per review period: the reminder is claimed in the database with a
 * lease first, so several replicas running the sweep together send it once,
 * and marked delivered after the send, so a failed send is tried again.
 */
export class ReviewReminders {
  constructor(
    private readonly deps: {
      store: HandoffStore;
      catalog: CatalogService;
      auth: AuthService;
      notifications: NotificationService;
      logger: LoggerService;
      /** Days between reviews per risk tier (the gate policy's). */
      cadenceDays?: Record<RiskLevel, number>;
    },
  ) {}

  async sendDue(now: Date = new Date()): Promise<number> {
    const { store, logger } = this.deps;
    const decided = (await store.overdueDecisions(now))
      .filter(d => d.toStage !== 'stopped')
      .map(d => ({ entityRef: d.entityRef, dueAt: new Date(d.nextReviewAt!) }));
    // Capabilities nobody decided on yet: their first review falls due one
    // cadence after their spec was first seen.
    const undecided = (await store.undecidedSpecs())
      .map(s => ({
        entityRef: s.entityRef,
        dueAt: registeredReviewDate(
          firstReviewDate(s.firstSeenAt, s.document, this.deps.cadenceDays),
          s.registeredNextReview?.slice(0, 10),
        )!,
      }))
      .filter(s => s.dueAt.getTime() < now.getTime());
    let sent = 0;
    const claimId = randomUUID();
    for (const { entityRef, dueAt } of [...decided, ...undecided]) {
      const claim = { claimId, now, leaseMs: REMINDER_LEASE_MS };
      try {
        if (!(await store.claimReminder(entityRef, dueAt, claim))) continue;
      } catch (error) {
        logger.warn(
          `Could not claim the review reminder of ${entityRef}: ${
            (error as Error).message
          }`,
        );
        continue;
      }
      try {
        await this.remind(entityRef, dueAt, now);
        await store.reminderSent(entityRef, dueAt, claimId);
        sent += 1;
      } catch (error) {
        // One failed reminder is one failed reminder: give the claim back so
        // the next sweep tries again, and go on with the others.
        logger.warn(
          `Could not send the review reminder of ${entityRef}; it is retried at the next sweep: ${
            (error as Error).message
          }`,
        );
        await store
          .releaseReminder(entityRef, dueAt, claimId)
          .catch(() => undefined);
      }
    }
    if (sent) logger.info(`Sent ${sent} overdue review reminders`);
    return sent;
  }

  private async remind(entityRef: string, dueAt: Date, now: Date) {
    const { catalog, auth, notifications } = this.deps;
    const entity = await catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    const owner =
      entity?.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef ??
      entityRef;
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const days = daysBetween(dueAt, now);
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
        scope: `handoff-review:${entityRef}:${dueAt.toISOString()}`,
      },
    });
  }
}
