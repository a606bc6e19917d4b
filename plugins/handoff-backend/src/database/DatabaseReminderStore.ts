import { SlaKind } from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { ReminderStore } from './HandoffStore';
import { DecisionRow, toIso, toRecord, unjson } from './rows';

/** The key of one review period's reminder. */
export const reminderKey = (entityRef: string, dueAt: Date) =>
  `${entityRef}@${dueAt.getTime()}`;

/** Overdue reviews and the reminders claimed and sent for them. */
export class DatabaseReminderStore implements ReminderStore {
  constructor(private readonly db: Knex) {}

  async overdueDecisions(now: Date) {
    const rows = await this.db<DecisionRow>('handoff_decisions as d')
      .where(
        'd.sequence',
        this.db('handoff_decisions as l')
          .max('l.sequence')
          .where('l.entity_ref', this.db.ref('d.entity_ref')),
      )
      .where('d.next_review_at', '<', now)
      .select('d.*');
    return rows.map(toRecord);
  }

  async slaBreaches(now: Date) {
    const rows = await this.db('handoff_capability_state')
      .where('sla_due_at', '<', now)
      .whereNot('decided_stage', 'stopped')
      .select('entity_ref', 'sla_due_at', 'sla_kind');
    return rows.map(row => ({
      entityRef: row.entity_ref as string,
      dueAt: new Date(toIso(row.sla_due_at)),
      kind: row.sla_kind as SlaKind,
    }));
  }

  async undecidedSpecs() {
    const rows = await this.db('handoff_spec_versions as v')
      .whereNotExists(
        this.db('handoff_decisions as d')
          .where('d.entity_ref', this.db.ref('v.entity_ref'))
          .select('d.id'),
      )
      // A capability registered as stopped is not reviewed.
      .whereNotExists(
        this.db('handoff_entities as s')
          .where('s.entity_ref', this.db.raw('LOWER(v.entity_ref)'))
          .where('s.registered_stage', 'stopped')
          .select('s.entity_ref'),
      )
      .where(
        'v.version',
        this.db('handoff_spec_versions as l')
          .max('l.version')
          .where('l.entity_ref', this.db.ref('v.entity_ref')),
      )
      .select('v.entity_ref', 'v.document')
      .select(
        this.db('handoff_entities as e')
          .where('e.entity_ref', this.db.raw('LOWER(v.entity_ref)'))
          .select('e.registered_next_review')
          .as('registered_next_review'),
      )
      .select(
        this.db('handoff_spec_versions as f')
          .min('f.first_seen_at')
          .where('f.entity_ref', this.db.ref('v.entity_ref'))
          .as('first_seen'),
      );
    return rows.map(
      (row: {
        entity_ref: string;
        first_seen: Date | string;
        document: string | null;
        registered_next_review: Date | string | null;
      }) => ({
        entityRef: row.entity_ref,
        firstSeenAt: toIso(row.first_seen),
        document: unjson(row.document),
        ...(row.registered_next_review && {
          registeredNextReview: toIso(row.registered_next_review),
        }),
      }),
    );
  }

  async deliveredReminders(reviews: Array<{ entityRef: string; dueAt: Date }>) {
    const delivered = new Set<string>();
    const refs = [...new Set(reviews.map(r => r.entityRef))];
    for (let i = 0; i < refs.length; i += 500) {
      const rows = await this.db('handoff_review_reminders')
        .whereIn('entity_ref', refs.slice(i, i + 500))
        .where('delivered', true)
        .select('entity_ref', 'due_at');
      for (const row of rows) {
        delivered.add(reminderKey(row.entity_ref, new Date(toIso(row.due_at))));
      }
    }
    return delivered;
  }

  async claimReminder(
    entityRef: string,
    dueAt: Date,
    claim: { claimId: string; now: Date; leaseMs: number },
  ) {
    const key = { entity_ref: entityRef, due_at: dueAt };
    // Creates the row if this period was never claimed; a conflict is no error.
    await this.db('handoff_review_reminders')
      .insert({
        ...key,
        sent_at: claim.now,
        claim_id: claim.claimId,
        delivered: false,
      })
      .onConflict(['entity_ref', 'due_at'])
      .ignore();
    // Takes the claim if it is ours or its lease has run out; one statement,
    // so two replicas cannot both take it.
    const taken = await this.db('handoff_review_reminders')
      .where(key)
      .where('delivered', false)
      .where(q =>
        q
          .where('claim_id', claim.claimId)
          .orWhere(
            'sent_at',
            '<',
            new Date(claim.now.getTime() - claim.leaseMs),
          ),
      )
      .update({ claim_id: claim.claimId, sent_at: claim.now });
    return taken === 1;
  }

  async reminderSent(entityRef: string, dueAt: Date, claimId: string) {
    await this.db('handoff_review_reminders')
      .where({ entity_ref: entityRef, due_at: dueAt, claim_id: claimId })
      .update({ delivered: true });
  }

  async releaseReminder(entityRef: string, dueAt: Date, claimId: string) {
    await this.db('handoff_review_reminders')
      .where({
        entity_ref: entityRef,
        due_at: dueAt,
        claim_id: claimId,
        delivered: false,
      })
      .update({ sent_at: new Date(0) });
  }
}
