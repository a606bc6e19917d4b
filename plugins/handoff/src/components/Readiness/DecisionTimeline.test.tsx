import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { HandoffApi, handoffApiRef } from '../../api';
import { DecisionTimeline } from './DecisionTimeline';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'invoice-export', namespace: 'default' },
  spec: { owner: 'group:default/payments' },
};

describe('DecisionTimeline', () => {
  it('says how long the capability stayed in each stage', async () => {
    const listDecisions = jest.fn().mockResolvedValue({
      items: [
        ['start-pilot', 'proposed', 'pilot', '2026-01-01T00:00:00.000Z'],
        [
          'start-review',
          'pilot',
          'readiness-review',
          '2026-01-11T00:00:00.000Z',
        ],
        [
          'hand-off',
          'readiness-review',
          'handed-off',
          '2026-01-15T12:00:00.000Z',
        ],
        ['operate', 'handed-off', 'operating', '2026-01-16T12:00:00.000Z'],
      ].map(([decision, fromStage, toStage, createdAt], i) => ({
        entityRef: 'component:default/invoice-export',
        sequence: i + 1,
        decision,
        fromStage,
        toStage,
        actor: 'user:default/mary',
        rationale: 'r',
        createdAt,
      })),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[[handoffApiRef, { listDecisions } as Partial<HandoffApi>]]}
      >
        <EntityProvider entity={entity}>
          <DecisionTimeline revision={0} />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const words = await screen.findByTestId('stage-durations');
    expect(words.textContent).toMatch(
      /^Pilot 10 days → Readiness review 4\.5 days → Handed off 1 day → Operating \d+(\.\d)? days so far$/,
    );
  });

  it('says which gate policy judged each decision, and what a review plans next', async () => {
    const listDecisions = jest.fn().mockResolvedValue({
      items: [
        {
          entityRef: 'component:default/invoice-export',
          sequence: 1,
          decision: 'operate',
          fromStage: 'readiness-review',
          toStage: 'operating',
          actor: 'user:default/mary',
          rationale: 'We run it',
          specVersion: 1,
          gate: {
            decision: 'operate',
            met: true,
            requirements: [],
            policy: { hash: '0123456789ab' },
          },
          createdAt: '2026-11-01T00:00:00.000Z',
        },
        {
          entityRef: 'component:default/invoice-export',
          sequence: 2,
          decision: 'review',
          fromStage: 'operating',
          toStage: 'operating',
          actor: 'user:default/mary',
          rationale: 'Monthly review',
          readout: {
            usage: { value: 1, unit: 'run', period: 'per month' },
            friction: 'none',
            incidents: 'none',
            ownerConfirmed: true,
            nextChange: 'Export credit notes too',
          },
          createdAt: '2026-11-20T00:00:00.000Z',
        },
      ],
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[[handoffApiRef, { listDecisions } as Partial<HandoffApi>]]}
      >
        <EntityProvider entity={entity}>
          <DecisionTimeline revision={0} />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      await screen.findByText(/gate judged by policy 0123456789ab/),
    ).toBeInTheDocument();
    expect(screen.getByText('Operate')).toBeInTheDocument();
    expect(
      screen.getByText(/\(Readiness review → Operating\)/),
    ).toBeInTheDocument();
    // Time in each stage, in words: the first stay starts at the first
    // decision; the operating stay runs to now, not cut by the review.
    expect(screen.getByTestId('stage-durations').textContent).toMatch(
      /^Operating \d+(\.\d)? days so far$/,
    );
    // A review keeps the stage, so no arrow; its next change is shown.
    expect(screen.getByText('Record a review')).toBeInTheDocument();
    expect(
      screen.getByText(/next cycle: Export credit notes too/),
    ).toBeInTheDocument();
  });
});
