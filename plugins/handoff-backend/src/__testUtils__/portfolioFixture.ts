import { parseSpecYaml } from '@handoff/backstage-plugin-handoff-common';
import { HandoffStore } from '../database/HandoffStore';
import {
  DatabaseProjectionStore,
  ProjectedEntity,
} from '../database/ProjectionStore';
import { readySpec } from './fixtures';

/** A spec that is valid but carries only what a pilot needs: artifacts are missing. */
export const thinSpec = `apiVersion: handoff.dev/v1alpha1
kind: HandoffSpec
intent: { problem: Customers leave without warning }
successCriteria:
  - { metric: recall, target: 0.7, measuredBy: monthly back-test }
risk: { data: high, customerImpact: low, compliance: low, operationalDependency: low }
`;

const DAY = 86_400_000;

const group = (
  name: string,
  parent?: string,
  title?: string,
): ProjectedEntity => ({
  entityRef: `group:default/${name}`,
  kind: 'group',
  parentRef: parent && `group:default/${parent}`,
  title,
});

const component = (
  name: string,
  owner: string,
  extra: Partial<ProjectedEntity> = {},
): ProjectedEntity => ({
  entityRef: `component:default/${name}`,
  kind: 'component',
  type: 'service',
  ownerRef: owner,
  specLocation: './handoff.yaml',
  ...extra,
});

/**
 * A small portfolio with one entity per kind of gap, written through the real
 * stores so the audit state comes from the same hooks production uses.
 *
 * engineering ─┬─ data-science ── ml
 *              └─ sre            sales (no parent)
 */
export async function seedPortfolio(
  store: HandoffStore,
  projection: DatabaseProjectionStore,
  now: Date,
) {
  await projection.upsert(
    [
      group('engineering'),
      group('data-science', 'engineering'),
      group('ml', 'data-science', 'Machine learning'),
      group('sre', 'engineering', 'Site reliability'),
      group('sales'),
      { entityRef: 'user:default/ada', kind: 'user' },
      // Operating, overdue, operated by sre while the catalog still says ml.
      component('a-forecast', 'group:default/ml', { title: 'Demand Forecast' }),
      // A thin valid spec from a month ago: artifacts and operating owner missing.
      component('b-churn', 'group:default/data-science', {
        registeredStage: 'pilot',
      }),
      // Owned by a group the catalog does not have, and no spec.
      component('c-ghost', 'group:default/ghost', { specLocation: undefined }),
      // An invalid spec, registered in readiness review.
      component('d-billing', 'group:default/sales', {
        registeredStage: 'readiness-review',
      }),
      // Handed off to sre, who has not accepted; a failing drift check.
      {
        ...component('e-pipeline', 'group:default/sre'),
        entityRef: 'resource:default/e-pipeline',
        kind: 'resource',
        type: 'database',
      },
      // Stopped long ago: its passed review date is no longer overdue.
      component('f-stopped', 'group:default/ml'),
    ],
    now,
  );
  const valid = (text: string) => ({
    content: text,
    contentHash: `hash-${text.length}`,
    document: parseSpecYaml(text) as Record<string, unknown>,
    valid: true,
    errors: [],
    sourceLocation: 'file:/tmp/handoff.yaml',
    entityState: {},
  });
  const monthAgo = new Date(now.getTime() - 31 * DAY);
  await store.recordSpec(
    { entityRef: 'component:default/a-forecast', ...valid(readySpec) },
    monthAgo,
  );
  await store.appendDecision({
    entityRef: 'component:default/a-forecast',
    decision: 'operate',
    fromStage: 'handed-off',
    toStage: 'operating',
    actor: 'user:default/ada',
    rationale: 'Running well',
    nextReviewAt: new Date(now.getTime() - 2 * DAY).toISOString(),
    expectedSequence: 0,
  });
  await store.recordSpec(
    { entityRef: 'component:default/b-churn', ...valid(thinSpec) },
    new Date(now.getTime() - 10 * DAY),
  );
  await store.recordSpec(
    {
      entityRef: 'component:default/d-billing',
      ...valid('intent: 42'),
      document: { intent: 42, risk: { data: 'low' } },
      valid: false,
      errors: [{ path: 'intent', message: 'must be a mapping' }],
    },
    now,
  );
  await store.recordSpec(
    { entityRef: 'resource:default/e-pipeline', ...valid(readySpec) },
    now,
  );
  await store.appendDecision({
    entityRef: 'resource:default/e-pipeline',
    decision: 'hand-off',
    fromStage: 'hardening',
    toStage: 'handed-off',
    actor: 'user:default/ada',
    rationale: 'Ready',
    nextReviewAt: new Date(now.getTime() + 30 * DAY).toISOString(),
    expectedSequence: 0,
    transferTo: 'group:default/sre',
  });
  await store.addCheckResult({
    entityRef: 'resource:default/e-pipeline',
    name: 'drift-nightly',
    kind: 'drift',
    status: 'fail',
    reporter: 'ci-pipeline',
  });
  await store.appendDecision({
    entityRef: 'component:default/f-stopped',
    decision: 'stop',
    fromStage: 'pilot',
    toStage: 'stopped',
    actor: 'user:default/ada',
    rationale: 'No longer needed',
    nextReviewAt: new Date(now.getTime() - 5 * DAY).toISOString(),
    expectedSequence: 0,
  });
}
