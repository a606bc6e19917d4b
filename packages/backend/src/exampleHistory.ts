/*
 * Development only: months of past decisions for the example portal's past
 * capabilities (examples/history/past), so its Flow figures and charts have
 * a history to show. Handoff's HTTP API never takes a date from a caller, so
 * this writes the Handoff plugin's tables directly, dated in the past,
 * before the plugin starts (a module runs before its plugin); the plugin
 * then builds the audit's state from them as for any data it finds. No API
 * reaches it: it runs once at start, only when `handoff.example.pastHistory`
 * is true (app-config.yaml), and only into a Handoff database that has no
 * decisions yet.
 */
import {
  coreServices,
  createBackendModule,
  isDatabaseConflictError,
} from '@backstage/backend-plugin-api';
import { DatabaseHandoffStore } from '@handoff/backstage-plugin-handoff-backend/testUtils';
import { Knex } from 'knex';

/** One decision, `daysAgo` before the portal's first start. */
type Step = {
  daysAgo: number;
  decision: string;
  to: string;
  by: string;
  why: string;
  /** The next review it set, in days from the start (negative: past). */
  nextReview?: number;
  /** A hand-off: accepted this many days later by its new owner. */
  acceptedAfter?: number;
  exception?: string;
};

type Past = { name: string; operatingOwner: string; steps: Step[] };

/** Who of the example organisation accepts for each operating team. */
const ACCEPTS: Record<string, string> = {
  'group:default/sre': 'user:default/grace',
  'group:default/risk-and-compliance': 'user:default/margaret',
  'group:default/payments': 'user:default/linus',
  'group:default/customer-support': 'user:default/linus',
  'group:default/data-platform': 'user:default/guest',
};

const pilot = (daysAgo: number): Step => ({
  daysAgo,
  decision: 'start-pilot',
  to: 'pilot',
  by: 'user:default/guest',
  why: 'The problem is real and a small pilot can show whether this solves it',
});
const review = (daysAgo: number): Step => ({
  daysAgo,
  decision: 'start-review',
  to: 'readiness-review',
  by: 'user:default/guest',
  why: 'The pilot met its success criterion for a month',
});
const handOff = (daysAgo: number, acceptedAfter: number): Step => ({
  daysAgo,
  decision: 'hand-off',
  to: 'handed-off',
  by: 'user:default/mary',
  why: 'Every gate is met; the operating team has read the runbook',
  acceptedAfter,
});
const operate = (daysAgo: number, next: number): Step => ({
  daysAgo,
  decision: 'operate',
  to: 'operating',
  by: 'user:default/mary',
  why: 'The operating team runs it on its own',
  nextReview: next,
});
const reviewed = (daysAgo: number, next: number): Step => ({
  daysAgo,
  decision: 'review',
  to: 'operating',
  by: 'user:default/mary',
  why: 'Reviewed: it meets its success criterion; keep operating',
  nextReview: next,
});

/** What happened to each past capability, oldest first. */
const PAST: Past[] = [
  {
    name: 'payment-retries',
    operatingOwner: 'group:default/sre',
    steps: [
      pilot(300),
      review(250),
      handOff(236, 4),
      operate(230, -140),
      reviewed(140, -50),
      reviewed(50, 40),
    ],
  },
  {
    name: 'merchant-onboarding',
    operatingOwner: 'group:default/risk-and-compliance',
    steps: [
      pilot(280),
      review(220),
      {
        daysAgo: 205,
        decision: 'harden',
        to: 'hardening',
        by: 'user:default/mary',
        why: 'The load test is not done yet',
      },
      { ...review(190), why: 'The load test passed' },
      handOff(180, 9),
      operate(170, -83),
      // Recorded four days after it was due.
      reviewed(79, 15),
    ],
  },
  {
    name: 'ticket-triage',
    operatingOwner: 'group:default/customer-support',
    steps: [
      pilot(250),
      review(200),
      handOff(190, 2),
      operate(187, -97),
      reviewed(97, -7),
      {
        daysAgo: 60,
        decision: 'reframe',
        to: 'reframed',
        by: 'user:default/mary',
        why: 'Agents re-route a third of the tickets by hand: the categories are wrong',
      },
      {
        ...pilot(45),
        why: 'A second pilot with the categories agents use',
        nextReview: 20,
      },
    ],
  },
  {
    name: 'stock-alerts',
    operatingOwner: 'group:default/sre',
    steps: [
      pilot(220),
      review(180),
      handOff(175, 5),
      operate(169, -80),
      reviewed(80, 30),
    ],
  },
  {
    name: 'refund-insights',
    operatingOwner: 'group:default/data-platform',
    steps: [
      pilot(200),
      {
        daysAgo: 150,
        decision: 'stop',
        to: 'stopped',
        by: 'user:default/guest',
        why: 'Finance found the causes in the warehouse dashboards; not needed',
      },
    ],
  },
  {
    name: 'invoice-matching',
    operatingOwner: 'group:default/payments',
    steps: [
      pilot(180),
      review(130),
      {
        ...handOff(120, 5),
        exception:
          'The supplier with a third of the invoices is matched by hand until its feed is fixed',
      },
      operate(114, -24),
      reviewed(24, 60),
    ],
  },
  {
    name: 'route-planner',
    operatingOwner: 'group:default/sre',
    steps: [
      pilot(160),
      review(110),
      {
        daysAgo: 95,
        decision: 'harden',
        to: 'hardening',
        by: 'user:default/mary',
        why: 'Routes for more than 400 stops take too long',
      },
      handOff(70, 4),
      operate(65, 25),
    ],
  },
  {
    name: 'chargeback-alerts',
    operatingOwner: 'group:default/sre',
    steps: [pilot(120), review(75), handOff(60, 8), operate(51, 40)],
  },
  {
    name: 'agent-assist-search',
    operatingOwner: 'group:default/customer-support',
    steps: [pilot(90), review(40), handOff(30, 3), operate(26, 64)],
  },
  {
    name: 'data-catalog-sync',
    operatingOwner: 'group:default/data-platform',
    steps: [pilot(60), { ...review(6), nextReview: 30 }],
  },
];

const DAY = 24 * 60 * 60 * 1000;

/** Writes every past capability's decisions and hand-offs, dated from `now`. */
export async function writePastHistory(db: Knex, now: Date): Promise<number> {
  const at = (days: number) => new Date(now.getTime() - days * DAY);
  await db.transaction(async tx => {
    for (const past of PAST) {
      const entityRef = `component:default/${past.name}`;
      const first = past.steps[0].daysAgo + 10;
      const steps: Step[] = [
        {
          daysAgo: first,
          decision: 'register',
          to: 'proposed',
          by: 'user:default/guest',
          why: 'Proposed by product',
        },
        ...past.steps,
      ];
      let stage: string | null = null;
      for (const [i, step] of steps.entries()) {
        await tx('handoff_decisions').insert({
          entity_ref: entityRef,
          sequence: i + 1,
          decision: step.decision,
          from_stage: stage,
          to_stage: step.to,
          actor: step.by,
          rationale: step.why,
          next_review_at:
            step.nextReview === undefined ? null : at(-step.nextReview),
          exception_justification: step.exception ?? null,
          created_at: at(step.daysAgo),
        });
        if (step.acceptedAfter !== undefined) {
          const accepted = at(step.daysAgo - step.acceptedAfter);
          await tx('handoff_transfers').insert({
            entity_ref: entityRef,
            decision_sequence: i + 1,
            to_owner: past.operatingOwner,
            status: 'accepted',
            accepted_by: ACCEPTS[past.operatingOwner],
            accepted_at: accepted,
            created_at: at(step.daysAgo),
          });
        }
        stage = step.to;
      }
    }
  });
  return PAST.length;
}

export default createBackendModule({
  pluginId: 'handoff',
  moduleId: 'example-history',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        logger: coreServices.logger,
      },
      async init({ config, database, logger }) {
        if (!config.getOptionalBoolean('handoff.example.pastHistory')) return;
        const db = await database.getClient();
        await DatabaseHandoffStore.migrate(db);
        if (await db('handoff_decisions').first('entity_ref')) return;
        let count;
        try {
          count = await writePastHistory(db, new Date());
        } catch (error) {
          // Another replica starting at the same time wrote it first: its
          // transaction holds the whole history, ours none of it.
          if (isDatabaseConflictError(error)) return;
          throw error;
        }
        logger.info(
          `Wrote the example portal's past history: months of decisions for ${count} capabilities`,
        );
      },
    });
  },
});
