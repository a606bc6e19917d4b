import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ReviewCycle } from '@handoff/backstage-plugin-handoff-common';
import { screen, within } from '@testing-library/react';
import { HandoffApi, handoffApiRef } from '../../api';
import { CyclesCard } from './CyclesCard';

/** The attack under test: a usage link that runs script. */
// eslint-disable-next-line no-script-url
const SCRIPT_URL = 'javascript:alert(1)';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'churn-model', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/data-science' },
};

const cycle = (
  sequence: number,
  patch: Partial<ReviewCycle> = {},
): ReviewCycle => ({
  sequence,
  reviewedAt: '2026-11-20T00:00:00.000Z',
  reviewedBy: 'user:default/alan',
  rationale: 'Quarterly review',
  readout: {
    usage: { value: 1200, unit: 'forecasts', period: 'per week' },
    friction: `friction ${sequence}`,
    incidents: 'none',
    ownerConfirmed: true,
    nextChange: `change ${sequence}`,
  },
  nextReviewAt: '2027-02-18T00:00:00.000Z',
  specVersion: 1,
  changes: [],
  ...patch,
});

function renderCard(api: Partial<HandoffApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[handoffApiRef, api]]}>
      <EntityProvider entity={entity}>
        <CyclesCard revision={0} />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('CyclesCard', () => {
  it('shows each success criterion against what every cycle measured, flagged when missed twice', async () => {
    await renderCard({
      listCycles: jest.fn().mockResolvedValue({
        items: [cycle(5), cycle(4)],
        kpis: [
          {
            metric: 'WAPE',
            target: 18,
            unit: 'percent',
            points: [
              {
                sequence: 4,
                reviewedAt: '2026-10-20T00:00:00.000Z',
                measured: 21,
                met: false,
              },
              {
                sequence: 5,
                reviewedAt: '2026-11-20T00:00:00.000Z',
                measured: 22,
                met: false,
              },
            ],
            missedTwice: true,
          },
          {
            metric: 'Planner satisfaction',
            target: 'most planners prefer it',
            points: [
              {
                sequence: 5,
                reviewedAt: '2026-11-20T00:00:00.000Z',
                measured: 'yes, 9 of 10',
                met: true,
              },
            ],
            missedTwice: false,
          },
        ],
      }),
    });
    const wape = await screen.findByRole('group', { name: 'WAPE' });
    expect(
      within(wape).getByText('WAPE — target 18 percent'),
    ).toBeInTheDocument();
    expect(
      within(wape).getByText('Missed in the last two cycles'),
    ).toBeInTheDocument();
    expect(
      within(wape).getByText(/21 \(missed\) · .*22 \(missed\)/),
    ).toBeInTheDocument();
    const satisfaction = screen.getByRole('group', {
      name: 'Planner satisfaction',
    });
    expect(
      within(satisfaction).queryByText('Missed in the last two cycles'),
    ).toBeNull();
    expect(
      within(satisfaction).getByText(/yes, 9 of 10 \(met\)/),
    ).toBeInTheDocument();
  });

  it('shows one row per review with what changed in the spec since the cycle before', async () => {
    await renderCard({
      listCycles: jest.fn().mockResolvedValue({
        items: [
          cycle(5, {
            sinceSpecVersion: 1,
            specVersion: 2,
            changes: [
              { artifact: 'acceptanceCriteria', change: 'changed' },
              { artifact: 'pilot', change: 'added' },
            ],
            readout: {
              ...cycle(5).readout,
              usage: { link: SCRIPT_URL },
            },
          }),
          cycle(3),
        ],
      }),
    });
    const rows = await screen.findAllByRole('row');
    // A header and two cycles.
    expect(rows).toHaveLength(3);
    expect(
      within(rows[1]).getByText(
        'Version 1 → 2: Acceptance criteria changed, Pilot evidence added',
      ),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('change 5')).toBeInTheDocument();
    expect(within(rows[2]).getByText('First cycle')).toBeInTheDocument();
    expect(
      within(rows[2]).getByText('1200 forecasts per week'),
    ).toBeInTheDocument();
    // A stored link that is not http(s) is shown, never linked.
    expect(document.querySelector('a[href^="javascript"]')).toBeNull();
  });

  it('says what a review is when there is none yet', async () => {
    await renderCard({
      listCycles: jest.fn().mockResolvedValue({ items: [] }),
    });
    expect(
      await screen.findByText(/No review recorded yet/),
    ).toBeInTheDocument();
  });
});
