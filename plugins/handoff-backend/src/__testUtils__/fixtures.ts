import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'fs';
import os from 'os';
import path from 'path';

/** A medium-risk spec that meets every gate but the approvals. */
export const readySpec = `apiVersion: handoff.dev/v1alpha1
kind: HandoffSpec
intent: { problem: Warehouses run out of seasonal stock }
successCriteria:
  - { metric: WAPE, target: 18, unit: percent, measuredBy: weekly comparison }
acceptanceCriteria: [A forecast every Monday]
nonFunctionalRequirements:
  - { category: availability, requirement: Published by 05:00 on 99% of Mondays }
risk: { data: medium, customerImpact: medium, compliance: low, operationalDependency: medium }
dataContracts:
  - name: weekly-sales
    provenance: { sourceSystem: sales-warehouse }
    fields:
      units: { type: integer, range: { min: 0 }, driftTolerance: { metric: mean-shift, threshold: 0.25 } }
    quality: { completeness: 0.99, freshness: 7d }
features:
  - { name: Weekly forecast, successMetric: Used for 80% of purchase orders }
testPlan:
  cases: [{ name: Back-test, type: model-evaluation }]
deployment:
  checklist: [{ item: Published to planners, done: true }]
  rollback: { procedure: Point planning back at last year }
observability:
  dashboards: [{ title: Accuracy, url: https://grafana.example.com/d/f }]
  slos: [{ name: Published on time, objective: 99 }]
owners:
  operatingOwner: group:default/sre
  supportPath: group:default/sre
  raci: { accountable: user:default/ada }
pilot:
  validatedBy: [{ who: group:default/sre, finding: Planners used it for 4 weeks }]
  usage: [{ metric: Forecasts, value: 120, unit: stores, period: week }]
  feedback: [{ title: Planner notes, url: https://wiki.example.com/forecast }]
`;

const entity = (kind: string, name: string, extra: object = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
  spec: {},
  ...extra,
});

/** A temp folder with a capability's catalog-info location and its handoff.yaml. */
export function capabilityFixture(
  spec = readySpec,
  stage = 'pilot',
  annotations: Record<string, string> = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-workflow-'));
  fs.writeFileSync(path.join(dir, 'handoff.yaml'), spec);
  const capability = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'forecast',
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `file:${path.join(
          dir,
          'catalog-info.yaml',
        )}`,
        'handoff.dev/spec': './handoff.yaml',
        'handoff.dev/stage': stage,
        ...annotations,
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/data-science',
      lifecycle: 'experimental',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/data-science' }],
  };
  const catalog = catalogServiceMock.factory({
    entities: [
      capability,
      entity('Group', 'sre', { spec: { type: 'team', children: [] } }),
      entity('Group', 'data-science', { spec: { type: 'team', children: [] } }),
      entity('Group', 'risk-and-compliance', {
        spec: { type: 'team', children: [] },
      }),
      entity('User', 'ada', { spec: { memberOf: ['data-science'] } }),
      entity('User', 'alan', { spec: { memberOf: ['data-science'] } }),
      entity('User', 'grace', { spec: { memberOf: ['sre'] } }),
    ],
  });
  return {
    dir,
    catalog,
    writeSpec: (text: string) =>
      fs.writeFileSync(path.join(dir, 'handoff.yaml'), text),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Users and the groups they belong to, as the auth backend would resolve them. */
export const memberships: Record<string, string[]> = {
  'user:default/ada': ['group:default/data-science'],
  'user:default/alan': ['group:default/data-science'],
  'user:default/grace': ['group:default/sre'],
  'user:default/margaret': ['group:default/risk-and-compliance'],
};

export const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(memberships[ref] ?? [])],
      };
    },
  }),
});
