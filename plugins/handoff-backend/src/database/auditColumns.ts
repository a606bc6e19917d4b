import { Knex } from 'knex';

/** The handoff state columns the projection copies from `handoff_capability_state`. */
const STATE_COLUMNS = [
  'stage_since',
  'risk_tier',
  'spec_version',
  'operating_owner',
  'missing_artifacts',
  'missing_artifact_count',
  'failing_checks',
  'pending_transfer',
  'review_required',
  'exception_expires_at',
  'work_due_at',
  'exceptions_pending',
  'sla_due_at',
  'sla_kind',
  'kpi_missed',
];

/** SQLite limits the variables of one statement; chunks stay well below. */
async function inChunks(
  refs: string[],
  fn: (chunk: string[]) => Promise<unknown>,
) {
  for (let i = 0; i < refs.length; i += 500) {
    await fn(refs.slice(i, i + 500));
  }
}

/**
 * Copies the handoff state of these entities onto their projection rows
 * (stage: the latest decision's, else the registration annotation's; next
 * review: the latest decision's, else the earlier of the first cadence and the
 * registered date, as `registeredReviewDate` in handoff-common).
 */
export async function copyStateToProjection(db: Knex, refs: string[]) {
  await inChunks(refs, async chunk => {
    const marks = chunk.map(() => '?').join(', ');
    await db.raw(
      `UPDATE handoff_entities SET
         stage = COALESCE(s.decided_stage, handoff_entities.registered_stage, 'proposed'),
         spec_state = COALESCE(s.spec_state, 'missing'),
         next_review_at = CASE
           WHEN COALESCE(s.decided_stage, handoff_entities.registered_stage) = 'stopped'
           THEN NULL
           WHEN s.decided_stage IS NULL
             AND handoff_entities.registered_next_review IS NOT NULL
             AND (s.next_review_at IS NULL
               OR handoff_entities.registered_next_review < s.next_review_at)
           THEN handoff_entities.registered_next_review
           ELSE s.next_review_at END,
         ${STATE_COLUMNS.map(c => `${c} = s.${c}`).join(',\n         ')}
       FROM handoff_capability_state s
       WHERE s.entity_ref = handoff_entities.entity_ref
         AND handoff_entities.entity_ref IN (${marks})`,
      chunk,
    );
  });
}

/**
 * Recomputes whether owners resolve (name a Group or User the projection
 * has): for some entities, for entities owned or operated by some owners,
 * or for every entity when neither is given.
 */
export async function resolveOwners(
  db: Knex,
  scope: { entities?: string[]; owners?: string[] } = {},
) {
  const exists = (column: string) =>
    `EXISTS (SELECT 1 FROM handoff_entities o
       WHERE o.entity_ref = handoff_entities.${column} AND o.kind IN ('group', 'user'))`;
  const set = `owner_resolves = ${exists('owner_ref')},
       operating_owner_resolves = ${exists('operating_owner')}`;
  if (!scope.entities && !scope.owners) {
    await db.raw(`UPDATE handoff_entities SET ${set}`);
    return;
  }
  await inChunks(scope.entities ?? [], async chunk => {
    await db.raw(
      `UPDATE handoff_entities SET ${set}
       WHERE entity_ref IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
  });
  await inChunks(scope.owners ?? [], async chunk => {
    const marks = chunk.map(() => '?').join(', ');
    await db.raw(
      `UPDATE handoff_entities SET ${set}
       WHERE owner_ref IN (${marks}) OR operating_owner IN (${marks})`,
      [...chunk, ...chunk],
    );
  });
}
