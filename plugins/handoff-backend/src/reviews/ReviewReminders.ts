import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ANNOTATION_HANDOFF_STAGE,
  DECISION_TITLES,
  REVIEWING_DECISIONS,
  allowedDecisions,
  daysBetween,
  RiskLevel,
  firstReviewDate,
  registeredReviewDate,
  stageOf,
  SlaKind,
} from '@handoff/backstage-plugin-handoff-common';
import { HandoffStore } from '../database/HandoffStore';
import { reminderKey } from '../database/DatabaseReminderStore';
import { randomUUID } from 'crypto';
import { currentOwner } from '../service/currentOwner';

/**
 * How long a claimed reminder is held before another sweep may take it over
 * (its send takes milliseconds). A sweep claims nothing after its budget, and
 * budget + lease stays within the task's timeout, so when a replica dies the
 * replica that takes the task over finds every claim free.
 */
const DEFAULT_LEASE_MS = 20_000;

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

  /** One sweep (see {@link ReviewReminders.sweep}); resolves to how many were sent. */
  async sendDue(now: Date = new Date(), signal?: AbortSignal): Promise<number> {
    return (await this.sweep({ now, signal })).sent;
  }

  /**
   * One sweep. Reviews reminded already are skipped by a query (no write).
   * Stops claiming when `signal` aborts or after `budgetMs` (`finished` is
   * then false); a claim not followed by a send is taken over once its
   * lease (`leaseMs`) has run out.
   */
  async sweep(
    options: {
      now?: Date;
      signal?: AbortSignal;
      budgetMs?: number;
      leaseMs?: number;
    } = {},
  ): Promise<{ sent: number; finished: boolean }> {
    const now = options.now ?? new Date();
    const { signal } = options;
    const deadline = Date.now() + (options.budgetMs ?? Infinity);
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
    // A turnaround past its SLA is reminded once per breach, the same way.
    const breaches = await store.slaBreaches(now);
    const due: Array<{ entityRef: string; dueAt: Date; sla?: SlaKind }> = [
      ...decided,
      ...undecided,
      ...breaches.map(b => ({ ...b, sla: b.kind })),
    ];
    const delivered = await store.deliveredReminders(due);
    const toSend = due.filter(
      ({ entityRef, dueAt }) => !delivered.has(reminderKey(entityRef, dueAt)),
    );
    if (toSend.length) {
      logger.info(`Sending ${toSend.length} overdue review reminders`);
    }
    let sent = 0;
    let finished = true;
    let tried = 0;
    const claimId = randomUUID();
    for (const { entityRef, dueAt, sla } of toSend) {
      // Every sweep tries at least one, however short its budget.
      if (signal?.aborted || (tried > 0 && Date.now() >= deadline)) {
        finished = false;
        break;
      }
      tried += 1;
      const claim = {
        claimId,
        now,
        leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      };
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
        await (sla
          ? this.remindSla(entityRef, dueAt, sla, now)
          : this.remind(entityRef, dueAt, now));
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
    if (sent || !finished) {
      logger.info(
        `Sent ${sent} overdue review reminders${
          finished ? '' : '; the rest at the next run'
        }`,
      );
    }
    return { sent, finished };
  }

  /**
   * Tells whoever the turnaround waits for: the receiving owner of a
   * hand-off, or the capability's owner for a readiness review.
   */
  private async remindSla(
    entityRef: string,
    dueAt: Date,
    kind: SlaKind,
    now: Date,
  ) {
    const { catalog, auth, notifications, store } = this.deps;
    const entity = await catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    if (!entity) return;
    const ref = stringifyEntityRef(entity);
    const transfer = await store.latestTransfer(ref);
    const recipient =
      kind === 'handoffAcceptance' && transfer?.status === 'pending'
        ? transfer.toOwner
        : await currentOwner(store, entity);
    const { kind: entityKind, namespace, name } = parseEntityRef(ref);
    const title = entity.metadata.title ?? name;
    const late = daysBetween(dueAt, now);
    const what =
      kind === 'handoffAcceptance'
        ? `The hand-off of ${title} waits for acceptance`
        : `The readiness review of ${title} waits for a decision`;
    await notifications.send({
      recipients: { type: 'entity', entityRef: recipient },
      payload: {
        title: `Past its SLA: ${title}`,
        description: `${what}; the gate policy promised it by ${dueAt
          .toISOString()
          .slice(0, 10)}${late > 0 ? `, ${late} days ago` : ''}. ${
          kind === 'handoffAcceptance'
            ? 'Accept the hand-off on its Handoff tab.'
            : 'Record the decision that concludes it: harden, hand off, operate, reframe or stop.'
        }`,
        link: `/catalog/${namespace}/${entityKind.toLocaleLowerCase(
          'en-US',
        )}/${name}/handoff`,
        severity: 'high',
        topic: 'handoff-sla',
        scope: `handoff-sla:${ref}:${dueAt.toISOString()}`,
      },
    });
  }

  private async remind(entityRef: string, dueAt: Date, now: Date) {
    const { catalog, auth, notifications, store } = this.deps;
    const entity = await catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    const stage = stageOf(
      await store.latestDecision(entityRef),
      entity?.metadata.annotations?.[ANNOTATION_HANDOFF_STAGE],
    );
    // Only the decisions that clear an overdue review, of those its stage allows.
    const clearing = allowedDecisions(stage).filter(d =>
      REVIEWING_DECISIONS.includes(d),
    );
    const others = clearing
      .filter(d => d !== 'review')
      .map(d => DECISION_TITLES[d].toLocaleLowerCase('en-US'));
    const action = clearing.includes('review')
      ? `Record a review to set the next one${
          others.length ? ` (or ${others.join(', ')})` : ''
        }.`
      : `To set the next one, record one of: ${others.join(', ')}.`;
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const days = daysBetween(dueAt, now);
    await notifications.send({
      recipients: {
        type: 'entity',
        entityRef: entity ? await currentOwner(store, entity) : entityRef,
      },
      payload: {
        title: `Review overdue: ${entity?.metadata.title ?? name}`,
        description: `The review was due on ${dueAt
          .toISOString()
          .slice(0, 10)}${days > 0 ? `, ${days} days ago` : ''}. ${action}`,
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
