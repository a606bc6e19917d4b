import { parseEntityRef } from '@backstage/catalog-model';
import {
  CapabilitySearchDocument,
  CapabilitySearchPage,
  PORTFOLIO_GAPS,
  STAGE_TITLES,
  PortfolioFacets,
  PortfolioFilter,
  PortfolioGap,
  PortfolioOwnerRollup,
  PortfolioQuery,
  PortfolioRow,
  STAGES,
  SpecState,
  Stage,
  normalizeOwnerRef,
} from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { unjson } from './rows';

/** An entity with a handoff spec: only a capability has a stage, spec and review. */
const CAPABILITY =
  '(e.spec_location IS NOT NULL OR e.spec_version IS NOT NULL)';

const STAGE_ORDER = `CASE WHEN ${CAPABILITY} THEN CASE e.stage ${STAGES.map(
  (stage, i) => `WHEN '${stage}' THEN ${i}`,
).join(' ')} END END`;
const RISK_ORDER = `CASE e.risk_tier WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 END`;

/**
 * Each gap as one SQL condition: the filter, the facet and the row flag all
 * use it. Every gap but an unresolved owner is a capability's.
 */
function gapSql(gap: PortfolioGap, now: Date): [string, Knex.RawBinding[]] {
  if (gap === 'owner-unresolved') return ['e.owner_resolves = ?', [false]];
  const [sql, bindings] = capabilityGapSql(gap, now);
  return [`(${CAPABILITY} AND ${sql})`, bindings];
}

function capabilityGapSql(
  gap: Exclude<PortfolioGap, 'owner-unresolved'>,
  now: Date,
): [string, Knex.RawBinding[]] {
  switch (gap) {
    case 'overdue':
      return [`(e.next_review_at < ? AND e.stage <> 'stopped')`, [now]];
    case 'no-operating-owner':
      // A stopped capability needs nobody to operate it.
      return [
        `(e.spec_state = 'valid' AND e.operating_owner_resolves = ? AND e.stage <> 'stopped')`,
        [false],
      ];
    case 'operating-owner-differs':
      return [
        `(e.stage IN ('handed-off', 'operating') AND e.operating_owner IS NOT NULL AND e.operating_owner <> COALESCE(e.owner_ref, ''))`,
        [],
      ];
    // A stopped capability (decided or registered so) needs no hand-off
    // artifacts, reviews or work.
    case 'missing-artifacts':
      return [`(e.missing_artifact_count > 0 AND e.stage <> 'stopped')`, []];
    case 'failing-checks':
      return ['e.failing_checks > 0', []];
    case 'review-required':
      return [`(e.review_required = ? AND e.stage <> 'stopped')`, [true]];
    case 'exception-expired':
      return [`(e.exception_expires_at < ? AND e.stage <> 'stopped')`, [now]];
    case 'exception-pending':
      return ['e.exceptions_pending > 0', []];
    case 'pending-transfer':
      return ['e.pending_transfer = ?', [true]];
    case 'kpi-missed':
      return [`(e.kpi_missed = ? AND e.stage <> 'stopped')`, [true]];
    case 'sla-breached':
      return [`(e.sla_due_at < ? AND e.stage <> 'stopped')`, [now]];
    case 'work-past-due':
      return [`(e.work_due_at < ? AND e.stage <> 'stopped')`, [now]];
    default:
      throw new Error(`Unknown gap ${gap}`);
  }
}

/** Sort expressions; those that may be empty put empty values last. */
const SORTS: Record<PortfolioQuery['sort'], { sql?: string; nullable?: true }> =
  {
    entityRef: {},
    kind: { sql: 'e.kind' },
    owner: { sql: 'e.owner_ref', nullable: true },
    stage: { sql: STAGE_ORDER, nullable: true },
    risk: { sql: RISK_ORDER, nullable: true },
    nextReview: { sql: 'e.next_review_at', nullable: true },
  };

const iso = (value: unknown) =>
  value === null || value === undefined
    ? undefined
    : new Date(value as string).toISOString();

/** A filter with its owner group expanded to the group and every group below it. */
type Scoped<T> = T & { ownerRefs?: string[] };

/**
 * The portfolio audit over the catalog projection, whose rows carry each
 * entity's handoff state: one indexed table, the same SQL on SQLite and PostgreSQL.
 *
 * @public
 */
export class PortfolioAudit {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Expands the owner group once per request, so each query filters on an index. */
  private async scoped<T extends PortfolioFilter>(
    filter: T,
  ): Promise<Scoped<T>> {
    if (!filter.owner) return filter;
    const rows = await this.db.raw(
      `WITH RECURSIVE subtree(ref) AS (
         SELECT CAST(? AS VARCHAR(512))
         UNION SELECT g.entity_ref FROM handoff_entities g
           JOIN subtree t ON g.parent_ref = t.ref WHERE g.kind = 'group'
       ) SELECT ref FROM subtree`,
      [normalizeOwnerRef(filter.owner)],
    );
    // better-sqlite3 answers with the rows, pg with a result that holds them.
    const refs = (Array.isArray(rows) ? rows : rows.rows).map(
      (r: { ref: string }) => r.ref,
    );
    return { ...filter, ownerRefs: refs };
  }

  /** The rows narrowed by every filter except `omit`. */
  private filtered(
    filter: Scoped<PortfolioFilter>,
    now: Date,
    omit?: keyof PortfolioFilter,
  ) {
    const db = this.db;
    const q = db('handoff_entities as e').whereNotIn('e.kind', [
      'group',
      'user',
    ]);
    const use = (key: keyof PortfolioFilter) =>
      omit !== key && filter[key] !== undefined;
    // A stage, risk or spec filter asks about capabilities in either scope.
    if (
      filter.scope !== 'all' ||
      (['stage', 'risk', 'spec'] as const).some(use)
    ) {
      q.whereRaw(CAPABILITY);
    }
    if (use('kind')) q.whereIn('e.kind', filter.kind!);
    if (use('stage')) q.whereIn('e.stage', filter.stage!);
    if (use('risk')) q.whereIn('e.risk_tier', filter.risk!);
    if (use('spec')) q.whereIn('e.spec_state', filter.spec!);
    if (use('owner')) q.whereIn('e.owner_ref', filter.ownerRefs ?? []);
    if (use('gap') && filter.gap!.length) {
      q.where(inner => {
        for (const gap of filter.gap!) {
          const [sql, bindings] = gapSql(gap, now);
          inner.orWhereRaw(sql, bindings);
        }
      });
    }
    if (use('q') && filter.q) {
      // A plain substring test: cheaper per row than LIKE, and nothing to escape.
      const find = this.db.client.config.client.includes('sqlite')
        ? 'instr(e.search_text, ?) > 0'
        : 'strpos(e.search_text, ?) > 0';
      q.whereRaw(find, [filter.q.toLocaleLowerCase('en-US')]);
    }
    return q;
  }

  /**
   * The refs of the entities a filter selects, as a subquery (wrapped: a
   * query builder is a promise of its rows); none when the filter selects
   * nothing in particular.
   */
  async selection(
    unscoped: PortfolioFilter,
  ): Promise<{ refs: Knex.QueryBuilder } | undefined> {
    if (Object.values(unscoped).every(v => v === undefined)) return undefined;
    const filter = await this.scoped(unscoped);
    return { refs: this.filtered(filter, this.now()).select('e.entity_ref') };
  }

  /** One page of rows, sorted, with the total the filters match. */
  async page(unscoped: PortfolioQuery): Promise<{
    items: PortfolioRow[];
    totalCount: number;
  }> {
    const now = this.now();
    const query = await this.scoped(unscoped);
    const count = async () => {
      const [{ total }] = await this.filtered(query, now).count({ total: '*' });
      return Number(total);
    };
    // A text filter matches few rows but costs a scan: count them in the
    // same scan. Otherwise a separate count lets the page stop early.
    const countInPage = Boolean(query.q);
    const [page, total] = await Promise.all([
      this.rows(query, now, query.offset, query.limit, countInPage),
      countInPage ? undefined : count(),
    ]);
    // Past the last page the windowed count has no row to ride on.
    return {
      items: page.items,
      totalCount: total ?? page.total ?? (await count()),
    };
  }

  /** Every row of a filtered view, a batch at a time (for the CSV). */
  async *allRows(
    unscoped: Omit<PortfolioQuery, 'offset' | 'limit'>,
    batchSize = 1000,
  ): AsyncGenerator<PortfolioRow[]> {
    const now = this.now();
    const query = await this.scoped(unscoped);
    for (let offset = 0; ; offset += batchSize) {
      const { items: rows } = await this.rows(query, now, offset, batchSize);
      if (rows.length) yield rows;
      if (rows.length < batchSize) return;
    }
  }

  /**
   * Sorts and cuts the page on the entity refs alone (a narrow sort), then
   * reads the page's rows by primary key.
   */
  private async rows(
    query: Scoped<Omit<PortfolioQuery, 'offset' | 'limit'>>,
    now: Date,
    offset: number,
    limit: number,
    withTotal = false,
  ): Promise<{ items: PortfolioRow[]; total?: number }> {
    const db = this.db;
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const sort = SORTS[query.sort];
    const pageRefs = this.filtered(query, now)
      .select('e.entity_ref')
      .offset(offset)
      .limit(limit);
    if (sort.sql) {
      pageRefs.orderByRaw(
        `${sort.sql} ${direction}${sort.nullable ? ' NULLS LAST' : ''}`,
      );
    }
    pageRefs.orderBy('e.entity_ref', query.order);
    if (withTotal) pageRefs.select(db.raw('COUNT(*) OVER () as total'));
    const found = await pageRefs;
    if (found.length === 0) return { items: [] };
    const refs: string[] = found.map((r: any) => r.entity_ref);
    const title = (column: string) =>
      db('handoff_entities as o')
        .where('o.entity_ref', db.ref(column))
        .select('o.title')
        .limit(1);
    const q = db('handoff_entities as e')
      .whereIn('e.entity_ref', refs)
      .select(
        title('e.owner_ref').as('owner_title'),
        title('e.operating_owner').as('operating_owner_title'),
        db.raw(`CASE WHEN ${CAPABILITY} THEN 1 ELSE 0 END as capability`),
        'e.entity_ref',
        'e.kind',
        'e.type',
        'e.lifecycle',
        'e.title',
        'e.owner_ref',
        'e.owner_resolves',
        'e.stage',
        'e.stage_since',
        'e.risk_tier',
        'e.next_review_at',
        'e.spec_state',
        'e.spec_version',
        'e.operating_owner',
        'e.operating_owner_resolves',
        'e.missing_artifacts',
        'e.failing_checks',
      );
    for (const gap of PORTFOLIO_GAPS) {
      const [sql, bindings] = gapSql(gap, now);
      q.select(
        db.raw(`CASE WHEN ${sql} THEN 1 ELSE 0 END as "gap_${gap}"`, bindings),
      );
    }
    const byRef = new Map((await q).map((r: any) => [r.entity_ref, toRow(r)]));
    // Why a capability's latest spec read failed (its host did not answer,
    // the file is gone): the audit shows the version read before, and says so.
    const reads: Array<{ ref: string; read_error: string }> = await db(
      'handoff_spec_reads',
    )
      .whereIn(db.raw('LOWER(entity_ref)') as any, refs)
      .whereNotNull('read_error')
      .select(db.raw('LOWER(entity_ref) as ref'), 'read_error');
    for (const read of reads) {
      const row = byRef.get(read.ref);
      if (row?.capability) row.specReadError = read.read_error;
    }
    return {
      items: refs.map(ref => byRef.get(ref)!).filter(Boolean),
      total: withTotal ? Number(found[0].total) : undefined,
    };
  }

  /** How many entities each filter value would show, given the other filters. */
  async facets(unscoped: PortfolioFilter): Promise<PortfolioFacets> {
    const now = this.now();
    const filter = await this.scoped(unscoped);
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
    const [unresolved, unresolvedB] = gapSql('owner-unresolved', now);
    const [noOperator, noOperatorB] = gapSql('no-operating-owner', now);
    const [overdue, overdueB] = gapSql('overdue', now);
    const inView = this.filtered(filter, now).select(
      db.raw(
        `SUM(CASE WHEN (${unresolved}) OR (${noOperator}) THEN 1 ELSE 0 END) as ownership_gaps`,
        [...unresolvedB, ...noOperatorB],
      ),
      db.raw(
        `SUM(CASE WHEN ${overdue} THEN 1 ELSE 0 END) as overdue`,
        overdueB,
      ),
      db.raw(
        `SUM(CASE WHEN ${CAPABILITY} AND e.spec_state = 'invalid' THEN 1 ELSE 0 END) as invalid_specs`,
      ),
      db.raw(`SUM(CASE WHEN ${CAPABILITY} THEN 1 ELSE 0 END) as capabilities`),
    );
    const [kind, stage, risk, spec, [gaps], [{ total }], [view]] =
      await Promise.all([
        grouped('kind', 'e.kind'),
        grouped('stage', `CASE WHEN ${CAPABILITY} THEN e.stage END`),
        grouped('risk', `CASE WHEN ${CAPABILITY} THEN e.risk_tier END`),
        grouped('spec', `CASE WHEN ${CAPABILITY} THEN e.spec_state END`),
        gapCounts,
        this.filtered(filter, now).count({ total: '*' }),
        inView,
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
      inView: {
        overdue: Number((view as any)?.overdue ?? 0),
        ownershipGaps: Number((view as any)?.ownership_gaps ?? 0),
        invalidSpecs: Number((view as any)?.invalid_specs ?? 0),
        capabilities: Number((view as any)?.capabilities ?? 0),
      },
    };
  }

  /** Per owner: capabilities by stage, gaps and spec problems, largest owners first. */
  async owners(
    unscoped: PortfolioFilter,
    limit = 200,
  ): Promise<PortfolioOwnerRollup[]> {
    const now = this.now();
    const filter = await this.scoped(unscoped);
    const db = this.db;
    const q = this.filtered(filter, now)
      .select('e.owner_ref', 'e.owner_resolves')
      .count({ total: '*' })
      .select(
        db.raw(
          `SUM(CASE WHEN ${CAPABILITY} AND e.spec_state = 'invalid' THEN 1 ELSE 0 END) as invalid_specs`,
        ),
        db.raw(
          `SUM(CASE WHEN ${CAPABILITY} AND e.spec_state = 'missing' THEN 1 ELSE 0 END) as missing_specs`,
        ),
      )
      // Whether the owner resolves is the same for all its entities.
      .groupBy('e.owner_ref', 'e.owner_resolves')
      .orderBy([
        { column: 'total', order: 'desc' },
        { column: 'e.owner_ref', order: 'asc' },
      ])
      .limit(limit);
    for (const stage of STAGES) {
      q.select(
        db.raw(
          `SUM(CASE WHEN ${CAPABILITY} AND e.stage = ? THEN 1 ELSE 0 END) as "stage_${stage}"`,
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
    const titles = await this.titles(
      rows.map((r: any) => r.owner_ref).filter(Boolean),
    );
    return rows.map((r: any) => ({
      owner: r.owner_ref ?? undefined,
      ...(titles.get(r.owner_ref) && { ownerTitle: titles.get(r.owner_ref) }),
      ownerResolves: Boolean(r.owner_resolves),
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

  /**
   * Capabilities as portal search indexes them, in entity-ref order after
   * `after` (a keyset page), with the problem their latest spec states.
   */
  async searchDocuments(
    after: string | undefined,
    limit: number,
  ): Promise<CapabilitySearchPage> {
    const db = this.db;
    const q = db('handoff_entities as e')
      .whereRaw(CAPABILITY)
      .whereNotIn('e.kind', ['group', 'user'])
      .orderBy('e.entity_ref')
      .limit(limit)
      .select(
        'e.entity_ref',
        'e.kind',
        'e.title',
        'e.owner_ref',
        'e.stage',
        'e.risk_tier',
        'e.next_review_at',
        'e.operating_owner',
      );
    if (after) q.where('e.entity_ref', '>', after);
    const rows: any[] = await q;
    const refs = rows.map(r => r.entity_ref as string);
    const titles = await this.titles([
      ...new Set(
        rows.flatMap(r => [r.owner_ref, r.operating_owner]).filter(Boolean),
      ),
    ]);
    const specs: Array<{ ref: string; document: string | null }> = refs.length
      ? await db('handoff_spec_versions as v')
          .whereIn(db.raw('LOWER(v.entity_ref)') as any, refs)
          .where(
            'v.version',
            db('handoff_spec_versions as l')
              .max('l.version')
              .where('l.entity_ref', db.ref('v.entity_ref')),
          )
          .select(db.raw('LOWER(v.entity_ref) as ref'), 'v.document')
      : [];
    const problems = new Map(
      specs.map(s => {
        const doc = unjson(s.document) as
          | { intent?: { problem?: unknown } }
          | undefined;
        const problem = doc?.intent?.problem;
        return [s.ref, typeof problem === 'string' ? problem : undefined];
      }),
    );
    const items = rows.map((r): CapabilitySearchDocument => {
      const { kind, namespace, name } = parseEntityRef(r.entity_ref);
      const problem = problems.get(r.entity_ref);
      const ownerTitle = titles.get(r.owner_ref);
      const operatingOwnerTitle = titles.get(r.operating_owner);
      const stage = r.stage as Stage;
      return {
        title: r.title ?? name,
        text: [
          problem,
          `${STAGE_TITLES[stage]}.`,
          ownerTitle ?? r.owner_ref,
          operatingOwnerTitle ?? r.operating_owner,
        ]
          .filter(Boolean)
          .join(' '),
        location: `/catalog/${namespace}/${kind}/${name}/handoff`,
        entityRef: r.entity_ref,
        kind: r.kind,
        stage,
        ...(r.owner_ref && { owner: r.owner_ref }),
        ...(ownerTitle && { ownerTitle }),
        ...(r.operating_owner && { operatingOwner: r.operating_owner }),
        ...(operatingOwnerTitle && { operatingOwnerTitle }),
        ...(r.risk_tier && { riskTier: r.risk_tier }),
        ...(r.next_review_at && { nextReviewAt: iso(r.next_review_at) }),
        ...(problem && { problem }),
      };
    });
    return {
      items,
      ...(rows.length === limit && { next: refs[refs.length - 1] }),
    };
  }

  /** The display names of owners, from their catalog entities. */
  /** The catalog title and owner of each of `refs`, by lower-case ref. */
  async titledRows(
    refs: string[],
  ): Promise<Map<string, { title?: string; owner?: string }>> {
    const rows: Array<{
      entity_ref: string;
      title: string | null;
      owner_ref: string | null;
    }> = refs.length
      ? await this.db('handoff_entities')
          .whereIn(
            'entity_ref',
            refs.map(r => r.toLocaleLowerCase('en-US')),
          )
          .select('entity_ref', 'title', 'owner_ref')
      : [];
    return new Map(
      rows.map(r => [
        r.entity_ref,
        { title: r.title ?? undefined, owner: r.owner_ref ?? undefined },
      ]),
    );
  }

  /** The catalog titles of `refs` (lower case), where they have one. */
  async titles(refs: string[]): Promise<Map<string, string>> {
    const rows: Array<{ entity_ref: string; title: string | null }> =
      refs.length
        ? await this.db('handoff_entities')
            .whereIn('entity_ref', refs)
            .whereNotNull('title')
            .select('entity_ref', 'title')
        : [];
    return new Map(rows.map(r => [r.entity_ref, r.title!]));
  }
}

function toRow(r: any): PortfolioRow {
  const capability = Number(r.capability) === 1;
  return {
    entityRef: r.entity_ref,
    kind: r.kind,
    type: r.type ?? undefined,
    lifecycle: r.lifecycle ?? undefined,
    title: r.title ?? undefined,
    owner: r.owner_ref ?? undefined,
    ownerTitle: r.owner_title ?? undefined,
    ownerResolves: Boolean(r.owner_resolves),
    capability,
    // A catalog entity that is not a capability has no stage, spec or review.
    ...(capability && {
      stage: r.stage as Stage,
      stageSince: iso(r.stage_since),
      riskTier: r.risk_tier ?? undefined,
      nextReviewAt: iso(r.next_review_at),
      specState: r.spec_state as SpecState,
      specVersion: r.spec_version === null ? undefined : Number(r.spec_version),
      operatingOwner: r.operating_owner ?? undefined,
      operatingOwnerTitle: r.operating_owner_title ?? undefined,
    }),
    operatingOwnerResolves: Boolean(r.operating_owner_resolves),
    missingArtifacts:
      capability && r.missing_artifacts ? r.missing_artifacts.split(',') : [],
    failingChecks: capability ? Number(r.failing_checks ?? 0) : 0,
    gaps: PORTFOLIO_GAPS.filter(gap => Number(r[`gap_${gap}`]) === 1),
  };
}
