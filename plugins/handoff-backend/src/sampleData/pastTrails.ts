import { Knex } from 'knex';

const DAY = 24 * 60 * 60 * 1000;

/** A small seeded generator, so a failing comparison can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes `capabilities` made-up trails into the workflow tables, spread over
 * the `years` before `now`: pilots, readiness reviews (some hardened),
 * hand-offs accepted after days or still waiting, reviews on time, late or
 * missed, exceptions, reframes and stops, work items due and closed or not.
 * About ten decisions each. Straight into the tables, as an upgrade finds
 * them: the API never takes a date.
 */
export async function writePastTrails(
  knex: Knex,
  options: {
    capabilities: number;
    now: Date;
    seed?: number;
    years?: number;
    prefix?: string;
  },
): Promise<{ decisions: number; refs: string[] }> {
  const next = random(options.seed ?? 1);
  const pick = <T>(items: readonly T[]) =>
    items[Math.floor(next() * items.length)];
  const now = options.now.getTime();
  const span = (options.years ?? 3) * 365 * DAY;
  const decisions: any[] = [];
  const transfers: any[] = [];
  const work: any[] = [];
  const refs: string[] = [];
  const tiers: any[] = [];
  for (let i = 0; i < options.capabilities; i++) {
    // Mixed case, as a catalog may spell a name.
    const entityRef = `component:default/${options.prefix ?? 'cap'}-${i}${
      i % 7 === 0 ? '-Mixed' : ''
    }`;
    refs.push(entityRef);
    tiers.push({
      entity_ref: entityRef.toLocaleLowerCase('en-US'),
      risk_tier: pick(['low', 'medium', 'high', undefined]) ?? null,
      updated_at: new Date(now),
    });
    let at = now - next() * span;
    let stage = 'proposed';
    let sequence = 0;
    let handedOff = false;
    const decide = (
      decision: string,
      to: string,
      extra: Record<string, unknown> = {},
    ) => {
      decisions.push({
        entity_ref: entityRef,
        sequence: ++sequence,
        decision,
        from_stage: sequence === 1 && decision === 'register' ? null : stage,
        to_stage: to,
        actor: 'user:default/ada',
        rationale: 'made up',
        created_at: new Date(at),
        exception_justification: next() < 0.08 ? 'a known risk' : null,
        ...extra,
      });
      stage = to;
    };
    const later = (days: number) => {
      at += days * DAY * (0.3 + next() * 1.4);
      return at < now;
    };
    const reviewDate = (days: number) =>
      new Date(at + days * DAY).toISOString().slice(0, 10);
    if (next() < 0.8) decide('register', 'proposed');
    if (!later(20)) continue;
    decide('start-pilot', 'pilot');
    for (let cycle = 0; cycle < 2; cycle++) {
      if (!later(40)) break;
      decide('start-review', 'readiness-review');
      if (!later(12)) break;
      if (next() < 0.3) {
        decide('harden', 'hardening');
        continue;
      }
      if (next() < 0.08) {
        decide('stop', 'stopped');
        break;
      }
      decide('hand-off', 'handed-off', { next_review_at: reviewDate(45) });
      handedOff = true;
      const created = at;
      const accepted = next() < 0.85 ? created + next() * 15 * DAY : undefined;
      transfers.push({
        entity_ref: entityRef,
        decision_sequence: sequence,
        to_owner: 'group:default/sre',
        status:
          accepted !== undefined && accepted < now ? 'accepted' : 'pending',
        accepted_by:
          accepted !== undefined && accepted < now ? 'user:default/sam' : null,
        accepted_at:
          accepted !== undefined && accepted < now ? new Date(accepted) : null,
        created_at: new Date(created),
      });
      break;
    }
    if (stage !== 'handed-off' || !later(8)) continue;
    decide('operate', 'operating', { next_review_at: reviewDate(60) });
    for (let k = 0; k < 14; k++) {
      // Reviews on their date, a little late, or missed for a cycle.
      if (!later(pick([40, 45, 50, 90]))) break;
      if (handedOff && next() < 0.04) {
        decide(
          pick(['reframe', 'stop']),
          next() < 0.5 ? 'reframed' : 'stopped',
        );
        break;
      }
      decide('review', stage, { next_review_at: reviewDate(60) });
    }
    if (next() < 0.5) {
      const due = now - next() * span * 0.5;
      const closed = next() < 0.7 ? due + (next() - 0.6) * 20 * DAY : undefined;
      work.push({
        key: `${entityRef}:1:delivery:${i}`,
        entity_ref: entityRef,
        source: 'delivery',
        title: 'Made up',
        body: '',
        due_at: new Date(due),
        status: closed !== undefined && closed < now ? 'done' : 'open',
        status_by: 'user:default/sam',
        status_at: new Date(
          closed !== undefined && closed < now ? closed : due - DAY,
        ),
        revision: 1,
        created_at: new Date(due - 30 * DAY),
      });
    }
  }
  await knex.batchInsert('handoff_decisions', decisions, 250);
  await knex.batchInsert('handoff_transfers', transfers, 250);
  await knex.batchInsert('handoff_work_items', work, 250);
  await knex.batchInsert('handoff_capability_state', tiers, 250);
  return { decisions: decisions.length, refs };
}
