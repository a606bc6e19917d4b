import {
  FlowHistory,
  FlowTally,
  FlowWindow,
  RiskLevel,
  Stage,
  WorkItemStatus,
  flowEvents,
  isClosedWorkStatus,
} from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { DecisionRow, TransferRow, toIso } from './rows';

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * The decision trails of `refs` (as their trails spell them), or of every
 * capability: decisions in order, transfers, work items with a due date,
 * and the risk tier of each.
 */
export async function readFlowHistories(
  db: Knex,
  refs?: string[],
): Promise<FlowHistory[]> {
  const byRef = new Map<string, FlowHistory>();
  const historyOf = (entityRef: string) => {
    let history = byRef.get(entityRef);
    if (!history) {
      history = { entityRef, decisions: [], transfers: [] };
      byRef.set(entityRef, history);
    }
    return history;
  };
  const only = <T extends Knex.QueryBuilder>(q: T) =>
    refs ? q.whereIn('entity_ref', refs) : q;
  const decisions = await only(
    db<DecisionRow>('handoff_decisions')
      .select(
        'entity_ref',
        'decision',
        'from_stage',
        'to_stage',
        'created_at',
        'next_review_at',
        'exception_justification',
      )
      .orderBy(['entity_ref', 'sequence']),
  );
  for (const row of decisions) {
    historyOf(row.entity_ref).decisions.push({
      decision: row.decision,
      fromStage: (row.from_stage ?? undefined) as Stage | undefined,
      toStage: row.to_stage as Stage,
      createdAt: toIso(row.created_at),
      nextReviewAt: row.next_review_at ? toIso(row.next_review_at) : undefined,
      exception: Boolean(row.exception_justification),
    });
  }
  const transfers = await only(
    db<TransferRow>('handoff_transfers').select(
      'entity_ref',
      'created_at',
      'accepted_at',
    ),
  );
  for (const row of transfers) {
    historyOf(row.entity_ref).transfers.push({
      createdAt: toIso(row.created_at),
      acceptedAt: row.accepted_at ? toIso(row.accepted_at) : undefined,
    });
  }
  // Work items with a due date: closed when their status closed them.
  const work = await only(
    db('handoff_work_items')
      .whereNotNull('due_at')
      .select('entity_ref', 'due_at', 'status', 'status_at'),
  );
  for (const row of work) {
    const history = historyOf(row.entity_ref);
    (history.work ??= []).push({
      dueAt: toIso(row.due_at),
      closedAt: isClosedWorkStatus(row.status as WorkItemStatus)
        ? toIso(row.status_at)
        : undefined,
    });
  }
  const tiers = await (refs
    ? db('handoff_capability_state').whereIn('entity_ref', refs.map(lower))
    : db('handoff_capability_state')
  )
    .whereNotNull('risk_tier')
    .select('entity_ref', 'risk_tier');
  const tierOf = new Map(
    tiers.map(t => [t.entity_ref as string, t.risk_tier as RiskLevel]),
  );
  return [...byRef.values()].map(history => ({
    ...history,
    tier: tierOf.get(lower(history.entityRef)),
  }));
}

/** A history's facts as rows of `handoff_flow_events`. */
function eventRows(history: FlowHistory) {
  return flowEvents(history).map(e => ({
    entity_ref: lower(history.entityRef),
    kind: e.kind,
    stage: e.stage ?? null,
    tier: history.tier ?? null,
    at: e.at,
    end_at: e.endAt ?? null,
    tenths: e.tenths ?? null,
    working_days: e.workingDays ?? null,
    flag: Boolean(e.flag),
    trail_ref: e.kind === 'trail' ? history.entityRef : null,
  }));
}

/**
 * Rewrites one capability's flow facts from its trail. Called inside the
 * transaction of every write to the trail, after its audit state (whose row
 * lock orders two writers of one capability), so the facts are never older
 * than the trail, on any replica.
 */
export async function writeFlowEvents(
  db: Knex,
  entityRef: string,
): Promise<void> {
  const [history] = await readFlowHistories(db, [entityRef]);
  await db('handoff_flow_events')
    .where({ entity_ref: lower(entityRef) })
    .delete();
  const rows = history ? eventRows(history) : [];
  if (rows.length) await db.batchInsert('handoff_flow_events', rows, 250);
}

/**
 * Fills an empty `handoff_flow_events` from every trail (after the upgrade
 * that adds it, or one that empties it because a fact changed meaning), a
 * batch of capabilities at a time, each batch in one transaction.
 */
export async function fillFlowEvents(db: Knex, batchSize = 1000) {
  if (await db('handoff_flow_events').first('id')) return 0;
  const refs: string[] = (
    await db('handoff_decisions').distinct('entity_ref')
  ).map((r: { entity_ref: string }) => r.entity_ref);
  for (let i = 0; i < refs.length; i += batchSize) {
    const batch = refs.slice(i, i + batchSize);
    await db.transaction(async tx => {
      // Queue behind whoever writes these capabilities' facts: a decision,
      // or another replica filling at the same start. Their audit-state rows,
      // locked in one order (SQLite lets one writer in at a time anyway).
      if (!db.client.config.client.includes('sqlite')) {
        await tx('handoff_capability_state')
          .whereIn('entity_ref', batch.map(lower))
          .orderBy('entity_ref')
          .forUpdate()
          .select('entity_ref');
      }
      const histories = await readFlowHistories(tx, batch);
      await tx('handoff_flow_events')
        .whereIn('entity_ref', batch.map(lower))
        .delete();
      await tx.batchInsert(
        'handoff_flow_events',
        histories.flatMap(eventRows),
        250,
      );
    });
  }
  return refs.length;
}

const DAY = 24 * 60 * 60 * 1000;
const WEEK = 7 * DAY;

/** Which capabilities a count covers: every one, or a subquery's refs. */
export type FlowScope = Knex.QueryBuilder | undefined;

/**
 * Counts a window's stored facts in SQL: the rows `tallyFlow` counts in
 * memory, by the same rules. `groupBy` adds each row's tier or owner
 * (`group`), for the figures of each.
 */
export async function tallyStoredFlow(
  db: Knex,
  window: FlowWindow,
  options: {
    scope?: FlowScope;
    byWeek?: boolean;
    groupBy?: 'tier' | 'owner';
    owners?: string[];
  } = {},
): Promise<Array<FlowTally & { group?: string }>> {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const now = Math.min((window.now ?? window.to).getTime(), to);
  const big = (n: number) => db.raw('CAST(? AS BIGINT)', [n]);
  const answered = 'f.end_at IS NOT NULL AND f.end_at <= ?';
  /** Each fact of `kinds` with what its count keeps apart, per row. */
  const facts = (kinds: string[]) => {
    const q = db('handoff_flow_events as f').whereIn('f.kind', kinds);
    if (options.scope) q.whereIn('f.entity_ref', options.scope);
    if (options.groupBy === 'tier') {
      q.whereNotNull('f.tier').select('f.tier as grp');
    } else if (options.groupBy === 'owner') {
      q.join('handoff_entities as e', 'e.entity_ref', 'f.entity_ref')
        .whereIn('e.owner_ref', options.owners ?? [])
        .select('e.owner_ref as grp');
    } else {
      q.select(db.raw('NULL as grp'));
    }
    q.select(
      options.byWeek
        ? db.raw('(? - f.at - 1) / ? as week', [big(to), big(WEEK)])
        : db.raw('NULL as week'),
    );
    return q;
  };
  /** Counts the facts alike in every column. */
  const counted = async (inner: Knex.QueryBuilder) => {
    const columns = [
      'kind',
      'stage',
      'tier',
      'tenths',
      'working_days',
      'outcome',
      'grp',
      'week',
    ];
    return db
      .from(inner.as('t'))
      .select(columns)
      .count({ count: '*' })
      .groupBy(columns);
  };
  // Facts dated in the window; an SLA's turnaround keeps its tier.
  const dated = facts([
    'decision',
    'stay',
    'from-proposed',
    'from-pilot',
    'accepted',
    'reversal',
  ])
    .where('f.at', '>=', big(from))
    .where('f.at', '<', big(to))
    .select(
      'f.kind',
      'f.stage',
      db.raw(
        'CASE WHEN f.working_days IS NULL THEN NULL ELSE f.tier END as tier',
      ),
      'f.tenths',
      'f.working_days',
      db.raw(
        `CASE WHEN f.kind = 'decision' AND f.flag = ? THEN 'exception' END as outcome`,
        [true],
      ),
    );
  // Reviews and work items due in the window, by now: on time, late or
  // open; a review's days late (an open one's until now).
  const due = facts(['review', 'work'])
    .where('f.at', '>=', big(from))
    .where('f.at', '<', big(to))
    .where('f.at', '<=', big(now))
    .select(
      'f.kind',
      db.raw('NULL as stage'),
      db.raw('NULL as tier'),
      db.raw(
        `CASE WHEN f.kind <> 'review' OR f.flag = ? THEN NULL
              WHEN ${answered} THEN f.tenths
              WHEN ? - f.at - ? > 0 THEN 10 * ((? - f.at - 1) / ?)
              ELSE 0 END as tenths`,
        [true, big(now), big(now), big(DAY), big(now), big(DAY)],
      ),
      db.raw('NULL as working_days'),
      db.raw(
        `CASE WHEN f.flag = ? THEN 'on-time' WHEN ${answered} THEN 'late' ELSE 'open' END as outcome`,
        [true, big(now)],
      ),
    );
  // Hand-offs recorded before the window's end and not accepted by then.
  const waiting = facts(['transfer'])
    .where('f.at', '<', big(to))
    .where(q => q.whereNull('f.end_at').orWhere('f.end_at', '>=', big(to)))
    .select(
      'f.kind',
      ...['stage', 'tier', 'tenths', 'working_days', 'outcome'].map(c =>
        db.raw(`NULL as ${c}`),
      ),
    );
  const rows = [
    ...(await counted(dated)),
    ...(await counted(due)),
    ...(options.byWeek ? [] : await counted(waiting)),
  ];
  const present = (v: unknown) => v !== null && v !== undefined;
  return rows.map((r: any) => ({
    kind: r.kind,
    ...(r.stage && { stage: r.stage }),
    ...(r.tier && { tier: r.tier }),
    ...(present(r.tenths) && { tenths: Number(r.tenths) }),
    ...(present(r.working_days) && { workingDays: Number(r.working_days) }),
    ...(r.outcome && { outcome: r.outcome }),
    ...(present(r.week) && { week: Number(r.week) }),
    ...(r.grp && { group: r.grp }),
    count: Number(r.count),
  }));
}
