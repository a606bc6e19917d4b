import {
  FlowBehind,
  FlowCapability,
  FlowGroup,
  FlowResponse,
  FlowWindow,
  GatePolicy,
  RiskLevel,
  figuresFromTally,
  flowCapabilities,
  weeksFromTally,
} from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { FlowScope, readFlowHistories, tallyStoredFlow } from './flowEvents';

const TIERS: RiskLevel[] = ['high', 'medium', 'low'];

const byRef = (a: string, b: string) => {
  if (a === b) return 0;
  return a < b ? -1 : 1;
};

/**
 * The flow figures of `GET /flow`, counted in SQL from the stored facts of
 * every trail (`handoff_flow_events`): the same definitions as
 * `flowFigures`, whose in-memory count over the raw trail is the reference
 * the tests and the benchmark compare with.
 */
export class FlowReport {
  constructor(
    private readonly db: Knex,
    private readonly sla?: GatePolicy['sla'],
  ) {}

  /** The window's figures, the period's before, its weeks and its groups. */
  async figures(
    window: FlowWindow,
    scope: FlowScope,
    titles: (refs: string[]) => Promise<Map<string, string>>,
  ): Promise<Omit<FlowResponse, 'days'>> {
    const db = this.db;
    const sla = { ...window, sla: this.sla };
    const span = window.to.getTime() - window.from.getTime();
    const before = {
      ...sla,
      from: new Date(window.from.getTime() - span),
      to: window.from,
    };
    const [current, previous, weeks] = await Promise.all([
      tallyStoredFlow(db, sla, { scope }),
      tallyStoredFlow(db, before, { scope }),
      tallyStoredFlow(db, sla, { scope, byWeek: true }),
    ]);
    return {
      current: figuresFromTally(current, sla),
      previous: figuresFromTally(previous, before),
      weeks: weeksFromTally(weeks, sla),
      groups: await this.groups(sla, scope, titles),
    };
  }

  /** The figures of each risk tier and of the owners with most capabilities. */
  private async groups(
    window: FlowWindow,
    scope: FlowScope,
    titles: (refs: string[]) => Promise<Map<string, string>>,
    owners = 10,
  ): Promise<FlowGroup[]> {
    const db = this.db;
    const trails = () => {
      const q = db('handoff_flow_events as f').where('f.kind', 'trail');
      if (scope) q.whereIn('f.entity_ref', scope);
      return q.count({ count: '*' });
    };
    const [tierCounts, ownerCounts] = await Promise.all([
      trails().whereNotNull('f.tier').select('f.tier as key').groupBy('f.tier'),
      trails()
        .join('handoff_entities as e', 'e.entity_ref', 'f.entity_ref')
        .whereNotNull('e.owner_ref')
        .select('e.owner_ref as key')
        .groupBy('e.owner_ref'),
    ]);
    const count = (rows: any[]) =>
      new Map<string, number>(rows.map(r => [r.key, Number(r.count)]));
    const tiers = count(tierCounts);
    const largest = [...count(ownerCounts)]
      .sort(([a, x], [b, y]) => y - x || byRef(a, b))
      .slice(0, owners);
    const [byTier, byOwner, ownerTitles] = await Promise.all([
      tallyStoredFlow(db, window, { scope, groupBy: 'tier' }),
      tallyStoredFlow(db, window, {
        scope,
        groupBy: 'owner',
        owners: largest.map(([key]) => key),
      }),
      titles(largest.map(([key]) => key)),
    ]);
    const figuresOf = (tally: typeof byTier, key: string) =>
      figuresFromTally(
        tally.filter(row => row.group === key),
        window,
      );
    return [
      ...TIERS.filter(tier => tiers.get(tier)).map(tier => ({
        by: 'tier' as const,
        key: tier,
        capabilities: tiers.get(tier)!,
        figures: figuresOf(byTier, tier),
      })),
      ...largest.map(([key, capabilities]) => ({
        by: 'owner' as const,
        key,
        ...(ownerTitles.get(key) && { title: ownerTitles.get(key) }),
        capabilities,
        figures: figuresOf(byOwner, key),
      })),
    ];
  }

  /**
   * One page of the capabilities behind the window's figures (those with a
   * decision, a review or work item due, or a hand-off waiting), or behind
   * one tile; each counted from its own trail by `flowCapabilities`.
   */
  async capabilities(
    window: FlowWindow,
    scope: FlowScope,
    page: { behind?: FlowBehind; offset: number; limit: number },
  ): Promise<{ items: FlowCapability[]; total: number }> {
    const db = this.db;
    const w = { ...window, sla: this.sla };
    const from = w.from.getTime();
    const to = w.to.getTime();
    const now = Math.min((w.now ?? w.to).getTime(), to);
    /** A condition on a fact, with its bindings (instants as BIGINT). */
    type Condition = [string, Knex.RawBinding[]];
    const dated = (kind: string, extra = ''): Condition => [
      `(f.kind = '${kind}' AND f.at >= CAST(? AS BIGINT) AND f.at < CAST(? AS BIGINT)${extra})`,
      [from, to],
    ];
    const due = (kinds: string): Condition => [
      `(f.kind IN (${kinds}) AND f.at >= CAST(? AS BIGINT) AND f.at < CAST(? AS BIGINT) AND f.at <= CAST(? AS BIGINT))`,
      [from, to, now],
    ];
    const waiting: Condition = [
      `(f.kind = 'transfer' AND f.at < CAST(? AS BIGINT) AND (f.end_at IS NULL OR f.end_at >= CAST(? AS BIGINT)))`,
      [to, to],
    ];
    const any = (...conditions: Condition[]): Condition => [
      `(${conditions.map(([sql]) => sql).join(' OR ')})`,
      conditions.flatMap(([, bindings]) => bindings),
    ];
    const promised = TIERS.filter(t => w.sla?.handoffAcceptance?.[t]);
    const behind: Record<FlowBehind, Condition> = {
      sla: dated(
        'accepted',
        ` AND f.working_days IS NOT NULL AND f.tier IN (${
          promised.map(t => `'${t}'`).join(', ') || 'NULL'
        })`,
      ),
      operating: dated('from-proposed'),
      reviews: due(`'review'`),
      waiting,
    };
    // Active in the window: what `flowCapabilities` keeps.
    const active = any(dated('decision'), due(`'review', 'work'`), waiting);
    const tile = page.behind ? behind[page.behind] : undefined;
    // One pass over the facts that matter, grouped by capability.
    const selected = () => {
      const q = db('handoff_flow_events as f');
      if (scope) q.whereIn('f.entity_ref', scope);
      const [anySql, anyBindings] = any(active, ...(tile ? [tile] : []));
      q.whereRaw(`(f.kind = 'trail' OR ${anySql})`, anyBindings)
        .groupBy('f.entity_ref')
        .havingRaw(`SUM(CASE WHEN ${active[0]} THEN 1 ELSE 0 END) > 0`, [
          ...active[1],
        ]);
      if (tile) {
        q.havingRaw(`SUM(CASE WHEN ${tile[0]} THEN 1 ELSE 0 END) > 0`, [
          ...tile[1],
        ]);
      }
      return q;
    };
    const rows: Array<{ entity_ref: string; trail_ref: string; total: any }> =
      await selected()
        .select(
          'f.entity_ref',
          db.raw('MAX(f.trail_ref) as trail_ref'),
          db.raw('COUNT(*) OVER () as total'),
        )
        .orderBy('f.entity_ref')
        .offset(page.offset)
        .limit(page.limit);
    // Past the last page there is no row to carry the total.
    const total = rows.length
      ? Number(rows[0].total)
      : Number(
          (
            await db
              .from(selected().select('f.entity_ref').as('s'))
              .count({ total: '*' })
          )[0].total,
        );
    const histories = await readFlowHistories(
      db,
      rows.map(r => r.trail_ref),
    );
    const found = new Map(
      flowCapabilities(histories, w).map(c => [
        c.entityRef.toLocaleLowerCase('en-US'),
        c,
      ]),
    );
    return {
      items: rows.flatMap(r => found.get(r.entity_ref) ?? []),
      total,
    };
  }
}
