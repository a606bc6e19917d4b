/*
 * What the fault suite does to a portal and how it checks what survived: a
 * generated catalog of capabilities, writers that record decisions and checks
 * as fast as they can, and the invariants read back afterwards.
 */
import fs from 'fs';
import knexFactory, { Knex } from 'knex';
import path from 'path';
import { Backend, DatabaseChoice, repoRoot } from './cluster';

/** The example portal's CI token (app-config.yaml): it may post checks only. */
const CI_TOKEN = 'local-ci-token-for-the-example-portal';

/** Writes a catalog of `count` capabilities owned by data-science (Ada's group). */
export function writeCatalog(
  dir: string,
  count: number,
  options: { prefix: string; nextReview?: string },
): { file: string; refs: string[] } {
  const spec = fs.readFileSync(
    path.join(repoRoot, 'examples/capabilities/churn-model/handoff.yaml'),
    'utf8',
  );
  fs.mkdirSync(path.join(dir, 'specs'), { recursive: true });
  const names = Array.from(
    { length: count },
    (_, i) => `${options.prefix}-${String(i).padStart(3, '0')}`,
  );
  const docs = names.map(name => {
    fs.writeFileSync(path.join(dir, 'specs', `${name}.yaml`), spec);
    return capabilityYaml(name, options.nextReview);
  });
  const file = path.join(dir, 'catalog.yaml');
  fs.writeFileSync(file, `${docs.join('\n---\n')}\n`);
  return { file, refs: names.map(n => `component:default/${n}`) };
}

/** A capability's catalog entry, its spec at ./specs/<name>.yaml. */
export function capabilityYaml(name: string, nextReview?: string) {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    `    handoff.dev/spec: ./specs/${name}.yaml`,
    ...(nextReview ? [`    handoff.dev/next-review: '${nextReview}'`] : []),
    'spec:',
    '  type: service',
    '  lifecycle: experimental',
    '  owner: group:default/data-science',
  ].join('\n');
}

/** The example portal's configuration, pointed at a generated catalog and a database. */
export function portalConfig(
  database: DatabaseChoice,
  catalogFile: string,
  handoff: Record<string, unknown> = {},
) {
  // ISO durations: an object would merge with app-config.yaml's own.
  const never = { frequency: 'PT1H', timeout: 'PT30S', initialDelay: 'PT1H' };
  const often = { frequency: 'PT5S', timeout: 'PT30S', initialDelay: 'PT1S' };
  return {
    backend: {
      database:
        database.client === 'pg'
          ? { client: 'pg', connection: database.url, prefix: database.prefix }
          : {
              client: 'better-sqlite3',
              connection: { directory: database.directory },
            },
    },
    catalog: {
      locations: [
        {
          type: 'file',
          target: path.join(repoRoot, 'examples/org.yaml'),
          rules: [{ allow: ['User', 'Group'] }],
        },
        {
          type: 'file',
          target: catalogFile,
          rules: [{ allow: ['Component'] }],
        },
      ],
    },
    handoff: {
      auditors: ['group:default/data-science'],
      specs: { schedule: often, changedSchedule: often },
      // The audit's full catalog sync never runs during a scenario: what the
      // audit shows after a crash is what the crash left, not a repair.
      projection: { schedule: never },
      reviews: { schedule: never },
      ...handoff,
    },
  };
}

/** A knex connection to the Handoff plugin's own database. */
export function handoffDatabase(database: DatabaseChoice): Knex {
  return database.client === 'pg'
    ? knexFactory({
        client: 'pg',
        connection: `${database.url}/${database.prefix}handoff`,
        pool: { min: 0, max: 2 },
      })
    : knexFactory({
        client: 'better-sqlite3',
        connection: {
          filename: path.join(database.directory, 'handoff.sqlite'),
        },
        useNullAsDefault: true,
      });
}

export type Ack =
  | { type: 'decision'; entityRef: string; sequence: number; decision: string }
  | { type: 'check'; entityRef: string; id: number };

export type RequestRecord = { at: number; ms: number; status: number };

const pathOf = (entityRef: string) => {
  const [kind, rest] = entityRef.split(':');
  return `${kind}/${rest}`;
};

/**
 * Records decisions (start the pilot, reframe, start again, ...) and check
 * results on its capabilities until `stop()` or until the backend goes away
 * (`untilError`); every answered write is an acknowledgement to check later.
 */
export class Writers {
  readonly acks: Ack[] = [];
  readonly requests: RequestRecord[] = [];
  readonly unexpected: string[] = [];
  private stopped = false;
  private running: Promise<void>[] = [];

  constructor(
    private readonly backend: () => Backend,
    private readonly token: () => string,
    private readonly entityRefs: string[],
    private readonly options: { writers: number; untilError: boolean },
  ) {}

  start() {
    this.stopped = false;
    this.running = Array.from({ length: this.options.writers }, (_, w) =>
      this.loop(
        this.entityRefs.filter((_, i) => i % this.options.writers === w),
      ),
    );
  }

  async stop() {
    this.stopped = true;
    await Promise.all(this.running);
  }

  /** Resolves when every writer has stopped on its own (the backend went away). */
  async settled() {
    await Promise.all(this.running);
  }

  private async call(
    method: string,
    url: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; json?: any }> {
    const started = Date.now();
    let status = 0;
    try {
      const res = await fetch(`${this.backend().baseUrl}/api/handoff${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      const text = await res.text();
      return { status, json: text ? JSON.parse(text) : undefined };
    } catch {
      return { status: 0 };
    } finally {
      if (method !== 'GET') {
        this.requests.push({ at: started, ms: Date.now() - started, status });
      }
    }
  }

  private async state(entityRef: string) {
    const res = await this.call(
      'GET',
      `/decisions/${pathOf(entityRef)}`,
      this.token(),
    );
    if (res.status !== 200) return undefined;
    const list = (
      res.json as { items: Array<{ sequence: number; toStage: string }> }
    ).items;
    const latest = list.reduce<
      { sequence: number; toStage: string } | undefined
    >((a, d) => (!a || d.sequence > a.sequence ? d : a), undefined);
    return {
      sequence: latest?.sequence ?? 0,
      stage: latest?.toStage ?? 'proposed',
    };
  }

  private async loop(entityRefs: string[]) {
    const states = new Map<string, { sequence: number; stage: string }>();
    let round = 0;
    while (!this.stopped) {
      const entityRef = entityRefs[round % entityRefs.length];
      round += 1;
      let state = states.get(entityRef);
      if (!state) {
        state = await this.state(entityRef);
        if (!state) {
          if (this.options.untilError) return;
          await new Promise(r => setTimeout(r, 200));
          continue;
        }
        states.set(entityRef, state);
      }
      const decision = state.stage === 'pilot' ? 'reframe' : 'start-pilot';
      const res = await this.call(
        'POST',
        `/decisions/${pathOf(entityRef)}`,
        this.token(),
        {
          decision,
          rationale: `Fault suite, round ${round}`,
          expectedSequence: state.sequence,
        },
      );
      if (res.status === 201) {
        this.acks.push({
          type: 'decision',
          entityRef,
          sequence: res.json.sequence,
          decision,
        });
        states.set(entityRef, {
          sequence: res.json.sequence,
          stage: res.json.toStage,
        });
      } else if (res.status === 409) {
        states.delete(entityRef);
      } else if (res.status === 0 || res.status >= 500) {
        states.delete(entityRef);
        if (this.options.untilError) return;
        await new Promise(r => setTimeout(r, 100));
      } else {
        this.unexpected.push(
          `${decision} ${entityRef}: ${res.status} ${JSON.stringify(res.json)}`,
        );
        states.delete(entityRef);
      }
      if (round % 3 === 0) {
        const check = await this.call(
          'POST',
          `/checks/${pathOf(entityRef)}`,
          CI_TOKEN,
          { name: 'fault-suite', kind: 'test', status: 'pass', value: round },
        );
        if (check.status === 201) {
          this.acks.push({ type: 'check', entityRef, id: check.json.id });
        } else if (check.status === 0 || check.status >= 500) {
          if (this.options.untilError) return;
        } else {
          this.unexpected.push(`check ${entityRef}: ${check.status}`);
        }
      }
    }
  }
}

/** What the database says after the faults: each figure should be zero. */
export async function checkInvariants(
  db: Knex,
  acks: Ack[],
  entityRefs: string[],
) {
  const decisions: Array<{
    entity_ref: string;
    sequence: number;
    decision: string;
    to_stage: string;
  }> = await db('handoff_decisions').select(
    'entity_ref',
    'sequence',
    'decision',
    'to_stage',
  );
  const stored = new Set(
    decisions.map(d => `${d.entity_ref}#${d.sequence}#${d.decision}`),
  );
  const checkIds = new Set(
    (await db('handoff_check_results').select('id')).map((r: any) =>
      Number(r.id),
    ),
  );
  const lostDecisions = acks.filter(
    a =>
      a.type === 'decision' &&
      !stored.has(`${a.entityRef}#${a.sequence}#${a.decision}`),
  ).length;
  const lostChecks = acks.filter(
    a => a.type === 'check' && !checkIds.has(Number(a.id)),
  ).length;

  const audit: Array<{ entity_ref: string; n: number | string }> = await db(
    'handoff_audit_log',
  )
    .where('action', 'like', 'decision:%')
    .groupBy('entity_ref')
    .select('entity_ref')
    .count({ n: '*' });
  const auditCount = new Map(audit.map(a => [a.entity_ref, Number(a.n)]));
  let orphans = 0;
  let sequenceGaps = 0;
  const readinessStage = new Map<string, string>();
  for (const entityRef of entityRefs) {
    const mine = decisions
      .filter(d => d.entity_ref === entityRef)
      .sort((a, b) => a.sequence - b.sequence);
    orphans += Math.abs(mine.length - (auditCount.get(entityRef) ?? 0));
    mine.forEach((d, i) => {
      if (Number(d.sequence) !== i + 1) sequenceGaps += 1;
    });
    readinessStage.set(entityRef, mine.at(-1)?.to_stage ?? 'proposed');
  }
  const projected: Array<{ entity_ref: string; stage: string }> = await db(
    'handoff_entities',
  ).select('entity_ref', 'stage');
  const auditStage = new Map(projected.map(p => [p.entity_ref, p.stage]));
  const stageMismatches = entityRefs.filter(
    ref => auditStage.get(ref) !== readinessStage.get(ref),
  );
  return {
    acknowledgedDecisions: acks.filter(a => a.type === 'decision').length,
    acknowledgedChecks: acks.filter(a => a.type === 'check').length,
    storedDecisions: decisions.length,
    lostDecisions,
    lostChecks,
    orphans,
    sequenceGaps,
    stageMismatches: stageMismatches.length,
    stageMismatchExamples: stageMismatches.slice(0, 3),
  };
}

/** The readiness stage the API shows, and the stage its audit shows, per capability. */
export async function apiStages(
  backend: Backend,
  token: string,
  entityRefs: string[],
) {
  const auth = { authorization: `Bearer ${token}` };
  const audit = (await (
    await fetch(`${backend.baseUrl}/api/handoff/portfolio?limit=500`, {
      headers: auth,
    })
  ).json()) as { items: Array<{ entityRef: string; stage: string }> };
  const auditStage = new Map(audit.items.map(i => [i.entityRef, i.stage]));
  let mismatches = 0;
  for (const entityRef of entityRefs) {
    const readiness = (await (
      await fetch(
        `${backend.baseUrl}/api/handoff/readiness/${pathOf(entityRef)}`,
        {
          headers: auth,
        },
      )
    ).json()) as { stage: string };
    if (auditStage.get(entityRef) !== readiness.stage) mismatches += 1;
  }
  return mismatches;
}

/** p50, p95 and the longest of a list of durations. */
export function spread(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
      : 0;
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    max: sorted.at(-1) ?? 0,
  };
}
