import {
  DEFAULT_GATE_POLICY,
  GatePolicy,
  firstReviewDate,
  reviewRequiredBy,
  missingArtifacts,
  normalizeOwnerRef,
  riskTier,
  slaFor,
  kpiHistory,
  addWorkingDays,
  Stage,
} from '@handoff/backstage-plugin-handoff-common';
import { latestSpecFacts } from './validSpecs';
import { Knex } from 'knex';
import { copyStateToProjection, resolveOwners } from './auditColumns';
import { writeFlowEvents } from './flowEvents';

/**
 * Rewrites the audit's row of handoff state for one entity from the workflow
 * tables. Called inside the transaction of every write that changes it, so
 * the audit never disagrees with the capability page.
 */
export async function writeCapabilityState(
  db: Knex,
  entityRef: string,
  now: Date = new Date(),
  policy: GatePolicy = DEFAULT_GATE_POLICY,
): Promise<void> {
  // One query after another: `db` is usually a transaction's one connection.
  const decision = await db('handoff_decisions')
    .where({ entity_ref: entityRef })
    .orderBy('sequence', 'desc')
    .first('to_stage', 'created_at', 'next_review_at', 'exception_expires_at');
  const spec = await latestSpecFacts(db, entityRef);
  const firstSpec = await db('handoff_spec_versions')
    .where({ entity_ref: entityRef })
    .min('first_seen_at as first_seen')
    .first();
  const checks = await db('handoff_check_results as c')
    .where('c.entity_ref', entityRef)
    .where(
      'c.id',
      db('handoff_check_results as l')
        .max('l.id')
        .where('l.entity_ref', db.ref('c.entity_ref'))
        .andWhere('l.name', db.ref('c.name')),
    )
    .select('c.status', 'c.kind', 'c.name', 'c.reviewed_in as reviewedIn');
  const workDue = await db('handoff_work_items')
    .where({ entity_ref: entityRef })
    .whereIn('status', ['open', 'in-progress'])
    .min('due_at as due')
    .first();
  const pendingExceptions = await db('handoff_exceptions')
    .where({ entity_ref: entityRef, status: 'pending' })
    .count({ count: '*' })
    .first();
  const lastReviews = await db('handoff_decisions')
    .where({ entity_ref: entityRef, decision: 'review' })
    .whereNotNull('readout')
    .orderBy('sequence', 'desc')
    .limit(2)
    .select('sequence', 'created_at', 'readout');
  const transfer = await db('handoff_transfers')
    .where({ entity_ref: entityRef })
    .orderBy('decision_sequence', 'desc')
    .first('status', 'created_at');
  const valid = spec?.spec;
  // The risk profile decides the tier even when another part of the spec is
  // invalid.
  const document = spec?.risk && { risk: spec.risk };
  // A stopped capability needs no hand-off artifacts and no review.
  const stopped = decision?.to_stage === 'stopped';
  const missing = valid && !stopped ? missingArtifacts(valid, policy) : [];
  const operatingOwner = valid?.owners?.operatingOwner;
  let nextReviewAt: Date | null = null;
  if (stopped) {
    nextReviewAt = null;
  } else if (decision?.next_review_at) {
    nextReviewAt = new Date(decision.next_review_at);
  } else if (!decision && firstSpec?.first_seen) {
    nextReviewAt = firstReviewDate(
      new Date(firstSpec.first_seen).toISOString(),
      document,
      policy.reviewCadenceDays,
    );
  }
  // The turnaround it waits for: a hand-off's acceptance from the hand-off,
  // a readiness review's conclusion from its start.
  const tier = spec?.risk ? riskTier(spec.risk) : undefined;
  const sla = decision
    ? slaFor(policy, tier, decision.to_stage as Stage)
    : undefined;
  let slaSince: Date | undefined;
  if (sla?.kind === 'handoffAcceptance' && transfer?.status === 'pending') {
    slaSince = new Date(transfer.created_at);
  } else if (sla?.kind === 'readinessReview') {
    slaSince = new Date(decision.created_at);
  }
  const row = {
    entity_ref: entityRef.toLocaleLowerCase('en-US'),
    decided_stage: decision?.to_stage ?? null,
    stage_since: decision ? new Date(decision.created_at) : null,
    next_review_at: nextReviewAt,
    risk_tier: tier ?? null,
    spec_state: spec ? (valid && 'valid') || 'invalid' : null,
    spec_version: spec ? Number(spec.version) : null,
    operating_owner: operatingOwner ? normalizeOwnerRef(operatingOwner) : null,
    missing_artifacts: missing.length ? missing.join(',') : null,
    missing_artifact_count: missing.length,
    failing_checks: checks.filter((c: any) => c.status === 'fail').length,
    pending_transfer: transfer?.status === 'pending',
    review_required: !stopped && reviewRequiredBy(checks).length > 0,
    exception_expires_at:
      !stopped && decision?.exception_expires_at
        ? new Date(decision.exception_expires_at)
        : null,
    work_due_at: !stopped && workDue?.due ? new Date(workDue.due) : null,
    exceptions_pending: Number(pendingExceptions?.count ?? 0),
    sla_due_at:
      sla && slaSince ? addWorkingDays(slaSince, sla.workingDays) : null,
    sla_kind: sla && slaSince ? sla.kind : null,
    kpi_missed:
      !stopped &&
      kpiHistory(
        lastReviews.map(r => ({
          sequence: Number(r.sequence),
          reviewedAt: String(r.created_at),
          readout: JSON.parse(r.readout),
        })),
      ).some(k => k.missedTwice),
    updated_at: now,
  };
  await db('handoff_capability_state')
    .insert(row)
    .onConflict('entity_ref')
    .merge();
  await copyStateToProjection(db, [row.entity_ref]);
  await resolveOwners(db, { entities: [row.entity_ref] });
  // After the state row's upsert: two writers of one capability queue on it.
  await writeFlowEvents(db, entityRef);
}

/** Rewrites the state of every entity with handoff data (after an upgrade, or when the table is empty). */
export async function rebuildCapabilityStates(
  db: Knex,
  policy: GatePolicy = DEFAULT_GATE_POLICY,
): Promise<number> {
  const refs = await db
    .select('entity_ref')
    .from('handoff_spec_versions')
    .union(qb => qb.select('entity_ref').from('handoff_decisions'))
    .union(qb => qb.select('entity_ref').from('handoff_check_results'));
  for (const { entity_ref } of refs) {
    await writeCapabilityState(db, entity_ref, new Date(), policy);
  }
  return refs.length;
}
