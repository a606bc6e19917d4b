import {
  PORTFOLIO_GAPS,
  PortfolioFacets,
  PortfolioFilter,
  PortfolioGap,
  PortfolioOwnerRollup,
  PortfolioQuery,
  PortfolioRow,
  STAGES,
  SpecState,
  Stage,
} from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { normalizeOwnerRef } from './capabilityState';

/** Where an entity stands: its latest decision, else its registration annotation. */
const STAGE = `COALESCE(s.decided_stage, e.registered_stage, 'proposed')`;
const STAGE_ORDER = `CASE ${STAGE} ${STAGES.map(
  (stage, i) => `WHEN '${stage}' THEN ${i}`,
).join(' ')} END`;
const RISK_ORDER = `CASE s.risk_tier WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 END`;
const SPEC_STATE = `COALESCE(s.spec_state, 'missing')`;

/** Each gap as one SQL condition: the filter, the facet and the row flag all use it. */
function gapSql(gap: PortfolioGap, now: Date): [string, Knex.RawBinding[]] {
  switch (gap) {
    case 'overdue':
      return [`(s.next_review_at < ? AND ${STAGE} <> 'stopped')`, [now]];
    case 'owner-unresolved':
      return ['o.entity_ref IS NULL', []];
    case 'no-operating-owner':
      // A stopped capability needs nobody to operate it.
      return [
        `(s.spec_state = 'valid' AND oo.entity_ref IS NULL AND ${STAGE} <> 'stopped')`,
        [],
      ];
    case 'operating-owner-differs':
      return [
        `(${STAGE} IN ('handed-off', 'operating') AND s.operating_owner IS NOT NULL AND s.operating_owner <> COALESCE(e.owner_ref, ''))`,
        [],
      ];
    case 'missing-artifacts':
      return ['s.missing_artifact_count > 0', []];
    case 'failing-checks':
      return ['s.failing_checks > 0', []];
    case 'pending-transfer':
      return ['s.pending_transfer = ?', [true]];
    default:
      throw new Error(`Unknown gap ${gap}`);
  }
}

const SORTS: Record<PortfolioQuery['sort'], string[]> = {
  entityRef: ['e.entity_ref'],
  kind: ['e.kind'],
  owner: ['e.owner_ref'],
  stage: [STAGE_ORDER],
  risk: [RISK_ORDER],
  nextReview: ['s.next_review_at'],
};

/** `expression IN (...)` for an SQL expression rather than a column. */
function whereIn(q: Knex.QueryBuilder, expression: string, values: string[]) {
  if (values.length === 0) return;
  q.whereRaw(`${expression} IN (${values.map(() => '?').join(', ')})`, values);
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, c => `\\${c}`);

/**
 * The portfolio audit: catalog projection joined with handoff state, as
 * indexed SQL that runs the same on SQLite and PostgreSQL.
 */
export class PortfolioAudit {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The joined rows narrowed by every filter except `omit`. */
  private filtered(
    filter: PortfolioFilter,
    now: Date,
    omit?: keyof PortfolioFilter,
  ) {
    const db = this.db;
    const q = db('handoff_entities as e')
      .leftJoin('handoff_capability_state as s', 's.entity_ref', 'e.entity_ref')
      .leftJoin('handoff_entities as o', 'o.entity_ref', 'e.owner_ref')
      .leftJoin('handoff_entities as oo', 'oo.entity_ref', 's.operating_owner')
      .whereNotIn('e.kind', ['group', 'user']);
    const use = (key: keyof PortfolioFilter) =>
      omit !== key && filter[key] !== undefined;
    if (use('kind')) q.whereIn('e.kind', filter.kind!);
    if (use('stage')) whereIn(q, STAGE, filter.stage!);
    if (use('risk')) q.whereIn('s.risk_tier', filter.risk!);
    if (use('spec')) whereIn(q, SPEC_STATE, filter.spec!);
    if (use('owner')) {
      q.whereRaw(
        `e.owner_ref IN (
           WITH RECURSIVE subtree(ref) AS (
             SELECT CAST(? AS VARCHAR(512))
             UNION SELECT g.entity_ref FROM handoff_entities g
               JOIN subtree t ON g.parent_ref = t.ref WHERE g.kind = 'group'
           ) SELECT ref FROM subtree)`,
        [normalizeOwnerRef(filter.owner!)],
      );
    }
    if (use('gap') && filter.gap!.length) {
      q.where(inner => {
        for (const gap of filter.gap!) {
          const [sql, bindings] = gapSql(gap, now);
          inner.orWhereRaw(sql, bindings);
        }
      });
    }
    if (use('q') && filter.q) {
      const like = `%${escapeLike(filter.q.toLocaleLowerCase('en-US'))}%`;
      q.where(inner =>
        inner
          .whereRaw(`e.entity_ref LIKE ? ESCAPE '\\'`, [like])
          .orWhereRaw(`LOWER(e.title) LIKE ? ESCAPE '\\'`, [like]),
      );
    }
    return q;
  }

  /** One page of rows, sorted, with the total the filters match. */
  async page(query: PortfolioQuery): Promise<{
    items: PortfolioRow[];
    totalCount: number;
  }> {
    const now = this.now();
    const [items, [{ count }]] = await Promise.all([
      this.rows(query, now, query.offset, query.limit),
      this.filtered(query, now).count({ count: '*' }),
    ]);
    return { items, totalCount: Number(count) };
  }

  /** Every row of a filtered view, a batch at a time (for the CSV). */
  async *allRows(
    query: Omit<PortfolioQuery, 'offset' | 'limit'>,
    batchSize = 1000,
  ): AsyncGenerator<PortfolioRow[]> {
    const now = this.now();
    for (let offset = 0; ; offset += batchSize) {
      const rows = await this.rows(query, now, offset, batchSize);
      if (rows.length) yield rows;
      if (rows.length < batchSize) return;
    }
  }

  private async rows(
    query: Omit<PortfolioQuery, 'offset' | 'limit'>,
    now: Date,
    offset: number,
    limit: number,
  ): Promise<PortfolioRow[]> {
    const db = this.db;
    const q = this.filtered(query, now)
      .select(
        'e.entity_ref',
        'e.kind',
        'e.type',
        'e.lifecycle',
        'e.title',
        'e.owner_ref',
        'o.entity_ref as owner_found',
        db.raw(`${STAGE} as stage`),
        's.stage_since',
        's.risk_tier',
        's.next_review_at',
        db.raw(`${SPEC_STATE} as spec_state`),
        's.spec_version',
        's.operating_owner',
        'oo.entity_ref as operating_owner_found',
        's.missing_artifacts',
        's.failing_checks',
      )
      .offset(offset)
      .limit(limit);
    for (const gap of PORTFOLIO_GAPS) {
      const [sql, bindings] = gapSql(gap, now);
      q.select(
        db.raw(`CASE WHEN ${sql} THEN 1 ELSE 0 END as "gap_${gap}"`, bindings),
      );
    }
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    for (const column of SORTS[query.sort]) {
      // Entities without a value sort last in either direction, on both databases.
      q.orderByRaw(`(${column}) IS NULL`);
      q.orderByRaw(`${column} ${direction}`);
    }
    q.orderBy('e.entity_ref', query.order);
    const rows = await q;
    return rows.map(toRow);
  }

  /** How many entities each filter value would show, given the other filters. */
  async facets(filter: PortfolioFilter): Promise<PortfolioFacets> {
    const now = this.now();
    const db = this.db;
    const grouped = async (key: keyof PortfolioFilter, expression: string) => {
      const rows = await this.filtered(filter, now, key)
        .select(db.raw(`${expression} as value`))
        .count({ count: '*' })
        .groupByRaw(expression);
      return Object.fromEntries(
        rows
          .filter((r: any) => r.value !== null)
          .map((r: any) => [r.value, Number(r.count)]),
      );
    };
    const gapCounts = this.filtered(filter, now, 'gap');
    for (const gap of PORTFOLIO_GAPS) {
      const [sql, bindings] = gapSql(gap, now);
      gapCounts.select(
        db.raw(`SUM(CASE WHEN ${sql} THEN 1 ELSE 0 END) as "${gap}"`, bindings),
      );
    }
    const [kind, stage, risk, spec, [gaps], [{ total }]] = await Promise.all([
      grouped('kind', 'e.kind'),
      grouped('stage', STAGE),
      grouped('risk', 's.risk_tier'),
      grouped('spec', SPEC_STATE),
      gapCounts,
      this.filtered(filter, now).count({ total: '*' }),
    ]);
    return {
      total: Number(total),
      kind,
      stage,
      risk,
      spec,
      gap: Object.fromEntries(
        PORTFOLIO_GAPS.map(g => [g, Number((gaps as any)?.[g] ?? 0)]),
      ) as Record<PortfolioGap, number>,
    };
  }

  /** Per owner: capabilities by stage, gaps and spec problems, largest owners first. */
  async owners(
    filter: PortfolioFilter,
    limit = 200,
  ): Promise<PortfolioOwnerRollup[]> {
    const now = this.now();
    const db = this.db;
    const q = this.filtered(filter, now)
      .select('e.owner_ref', db.raw('MAX(o.entity_ref) as owner_found'))
      .count({ total: '*' })
      .select(
        db.raw(
          `SUM(CASE WHEN s.spec_state = 'invalid' THEN 1 ELSE 0 END) as invalid_specs`,
        ),
        db.raw(
          `SUM(CASE WHEN s.spec_state IS NULL THEN 1 ELSE 0 END) as missing_specs`,
        ),
      )
      .groupBy('e.owner_ref')
      .orderBy([
        { column: 'total', order: 'desc' },
        { column: 'e.owner_ref', order: 'asc' },
      ])
      .limit(limit);
    for (const stage of STAGES) {
      q.select(
        db.raw(
          `SUM(CASE WHEN ${STAGE} = ? THEN 1 ELSE 0 END) as "stage_${stage}"`,
          [stage],
        ),
      );
    }
    for (const gap of PORTFOLIO_GAPS) {
      const [sql, bindings] = gapSql(gap, now);
      q.select(
        db.raw(
          `SUM(CASE WHEN ${sql} THEN 1 ELSE 0 END) as "gap_${gap}"`,
          bindings,
        ),
      );
    }
    const rows = await q;
    return rows.map((r: any) => ({
      owner: r.owner_ref ?? undefined,
      ownerResolves: Boolean(r.owner_found),
      total: Number(r.total),
      byStage: Object.fromEntries(
        STAGES.map(stage => [stage, Number(r[`stage_${stage}`])]).filter(
          ([, n]) => n,
        ),
      ),
      gaps: Object.fromEntries(
        PORTFOLIO_GAPS.map(gap => [gap, Number(r[`gap_${gap}`])]),
      ) as Record<PortfolioGap, number>,
      invalidSpecs: Number(r.invalid_specs),
      missingSpecs: Number(r.missing_specs),
    }));
  }
}

const iso = (value: unknown) =>
  value === null || value === undefined
    ? undefined
    : new Date(value as string).toISOString();

function toRow(r: any): PortfolioRow {
  return {
    entityRef: r.entity_ref,
    kind: r.kind,
    type: r.type ?? undefined,
    lifecycle: r.lifecycle ?? undefined,
    title: r.title ?? undefined,
    owner: r.owner_ref ?? undefined,
    ownerResolves: Boolean(r.owner_found),
    stage: r.stage as Stage,
    stageSince: iso(r.stage_since),
    riskTier: r.risk_tier ?? undefined,
    nextReviewAt: iso(r.next_review_at),
    specState: r.spec_state as SpecState,
    specVersion: r.spec_version === null ? undefined : Number(r.spec_version),
    operatingOwner: r.operating_owner ?? undefined,
    operatingOwnerResolves: Boolean(r.operating_owner_found),
    missingArtifacts: r.missing_artifacts ? r.missing_artifacts.split(',') : [],
    failingChecks: Number(r.failing_checks ?? 0),
    gaps: PORTFOLIO_GAPS.filter(gap => Number(r[`gap_${gap}`]) === 1),
  };
}
