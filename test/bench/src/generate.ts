import { Entity } from '@backstage/catalog-model';
import { STAGES } from '@handoff/backstage-plugin-handoff-common';

/** A small deterministic random generator, so every run builds the same catalog. */
export function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEPARTMENTS = 25;
const TEAMS_PER_DEPARTMENT = 10;
const USERS = 2_000;
const DAY = 86_400_000;

const team = (d: number, t: number) => `team-${d}-${t}`;

/** How many groups and users {@link organisation} holds. */
export const ORGANISATION_SIZE =
  DEPARTMENTS * (TEAMS_PER_DEPARTMENT + 1) + USERS;

/** The organisation: departments with teams below them, and their people. */
export function organisation(): Entity[] {
  const out: Entity[] = [];
  for (let d = 0; d < DEPARTMENTS; d++) {
    out.push(group(`dept-${d}`, undefined));
    for (let t = 0; t < TEAMS_PER_DEPARTMENT; t++) {
      out.push(group(team(d, t), `dept-${d}`));
    }
  }
  for (let u = 0; u < USERS; u++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: `user-${u}`, namespace: 'default' },
      spec: {
        memberOf: [team(u % DEPARTMENTS, u % TEAMS_PER_DEPARTMENT)],
      },
    });
  }
  return out;
}

function group(name: string, parent: string | undefined): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [], ...(parent && { parent }) },
  };
}

/**
 * Capability number `i`: owned by a team (3% by a group that no longer
 * exists), 70% with a handoff spec, the rest plain components (a tenth of
 * those in the `ops` namespace). Owners are written the ways people write
 * them: most as full refs, some as a bare name or in other letter case.
 */
export function capability(i: number): Entity {
  const rnd = random(i + 1);
  const gone = rnd() < 0.03;
  const name = gone
    ? `gone-${i % 40}`
    : team(
        Math.floor(rnd() * DEPARTMENTS),
        Math.floor(rnd() * TEAMS_PER_DEPARTMENT),
      );
  const spelling = rnd();
  let owner = `group:default/${name}`;
  if (spelling < 0.03) owner = name;
  else if (spelling < 0.06) owner = `Group:default/${name.toUpperCase()}`;
  const withSpec = rnd() < 0.7;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i}`,
      namespace: !withSpec && i % 10 === 3 ? 'ops' : 'default',
      title: `Service ${i}`,
      annotations: withSpec
        ? {
            'handoff.dev/spec': './handoff.yaml',
            'handoff.dev/stage': STAGES[i % 6],
          }
        : {},
    },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

/** The handoff state of capability `i` (undefined when it has no spec), as the store writes it. */
export function capabilityState(i: number, now: number) {
  const entity = capability(i);
  if (!entity.metadata.annotations?.['handoff.dev/spec']) return undefined;
  const rnd = random(i + 100_003);
  const stage = STAGES[Math.floor(rnd() * STAGES.length)];
  const missing = Math.floor(rnd() * 4);
  const valid = rnd() < 0.85;
  return {
    entity_ref: `component:default/svc-${i}`,
    decided_stage: rnd() < 0.8 ? stage : null,
    stage_since: new Date(now - Math.floor(rnd() * 200) * DAY),
    // About a quarter are overdue.
    next_review_at: new Date(now + Math.floor(rnd() * 240 - 60) * DAY),
    risk_tier: (['low', 'medium', 'high'] as const)[Math.floor(rnd() * 3)],
    spec_state: valid ? 'valid' : 'invalid',
    spec_version: 1 + Math.floor(rnd() * 5),
    operating_owner:
      rnd() < 0.1
        ? null
        : `group:default/${team(
            Math.floor(rnd() * DEPARTMENTS),
            Math.floor(rnd() * TEAMS_PER_DEPARTMENT),
          )}`,
    missing_artifacts:
      valid && missing
        ? 'rollback,dashboards,slos'.split(',').slice(0, missing).join(',')
        : null,
    missing_artifact_count: valid ? missing : 0,
    failing_checks: rnd() < 0.05 ? 1 : 0,
    pending_transfer: stage === 'handed-off' && rnd() < 0.5,
    updated_at: new Date(now),
  };
}
