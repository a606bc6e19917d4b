import { Entity } from '@backstage/catalog-model';
import { alertApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ReadinessSummary } from '@handoff/backstage-plugin-handoff-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HandoffApi, handoffApiRef } from '../../api';
import { HandoffCard } from '../HandoffCard';
import { ReadinessPanel } from './ReadinessPanel';

// Dialogs with many fields render slowly when the whole suite runs on 2 cores.
jest.setTimeout(30_000);

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'forecast', namespace: 'default' },
  spec: { owner: 'group:default/data-science' },
};

const readiness: ReadinessSummary = {
  entityRef: 'component:default/forecast',
  title: 'forecast',
  stage: 'readiness-review',
  sequence: 1,
  specVersion: 2,
  specValid: true,
  riskTier: 'medium',
  gates: [
    { decision: 'harden', met: true, requirements: [] },
    {
      decision: 'hand-off',
      met: false,
      requirements: [
        {
          id: 'rollback',
          description: 'A rollback procedure',
          met: true,
          reason: 'Done',
        },
        {
          id: 'approval-accountable',
          description: 'Approval by the accountable owner (user:default/ada)',
          met: false,
          reason: 'Not approved yet',
          waivable: false,
          approval: { role: 'accountable' },
        },
      ],
    },
    { decision: 'reframe', met: true, requirements: [] },
    { decision: 'stop', met: true, requirements: [] },
  ],
  failingChecks: [],
};

async function conflict(message: string, status = 409, name = 'ConflictError') {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      {
        status,
        headers: { 'Content-Type': 'application/json' },
      },
    ) as any,
  );
}

function renderPanel(
  api: Partial<HandoffApi>,
  allowed = true,
  onChange = jest.fn(),
  shownReadiness = readiness,
) {
  // Permission answers are cached per resource, so a denied user looks at another entity.
  const shown = allowed
    ? entity
    : { ...entity, metadata: { ...entity.metadata, name: 'forecast-denied' } };
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [handoffApiRef, api],
        [alertApiRef, { post: jest.fn() }],
        [
          permissionApiRef,
          {
            authorize: async () => ({
              result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
            }),
          },
        ],
        [
          identityApiRef,
          {
            getBackstageIdentity: async () => ({
              type: 'user' as const,
              userEntityRef: 'user:default/ada',
              ownershipEntityRefs: [
                'user:default/ada',
                'group:default/data-science',
              ],
            }),
          },
        ],
      ]}
    >
      <EntityProvider entity={shown}>
        <ReadinessPanel readiness={shownReadiness} onChange={onChange} />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('ReadinessPanel', () => {
  it('shows the stage and each gate with what it lacks', async () => {
    await renderPanel({});
    expect(await screen.findByText('Hand off: 1 of 2 met')).toBeInTheDocument();
    const gate = screen.getByRole('region', { name: 'Hand off gate' });
    expect(within(gate).getByText('Not approved yet')).toBeInTheDocument();
    expect(screen.getByText('Harden further: always open')).toBeInTheDocument();
  });

  it('lists what is still to write in words, by section, with the decision it holds back', async () => {
    await renderPanel({}, true, jest.fn(), {
      ...readiness,
      stillToWrite: [
        {
          section: 'Success criteria',
          text: 'Success criterion 1: the metric and how it is measured',
          blocks: 'hand-off',
          kind: 'todo',
        },
        {
          section: 'Success criteria',
          text: 'Success criterion 2: its target',
          blocks: 'hand-off',
          kind: 'todo',
        },
        {
          section: 'Test plan',
          text: 'Test plan',
          blocks: 'operate',
          kind: 'missing',
        },
      ],
    });
    const list = await screen.findByRole('region', { name: 'Still to write' });
    expect(
      within(list).getByText('Still to write in the spec: 3'),
    ).toBeInTheDocument();
    // Grouped by section: each section named once, its items under it.
    expect(within(list).getAllByText('Success criteria')).toHaveLength(1);
    expect(
      within(list).getByText(
        'Success criterion 1: the metric and how it is measured',
      ),
    ).toBeInTheDocument();
    expect(
      within(list).getAllByText(
        'still marked TODO in the spec; needed to hand off',
      ),
    ).toHaveLength(2);
    expect(
      within(list).getByText('not in the spec yet; needed to operate'),
    ).toBeInTheDocument();
    expect(list.textContent).not.toMatch(/\[\d\]|[a-z]\.[a-z]/);
  });

  it('says when nothing is left to write, and shows no list for an invalid spec', async () => {
    const { unmount } = await renderPanel({}, true, jest.fn(), {
      ...readiness,
      stillToWrite: [],
    });
    expect(
      await screen.findByText(
        'Nothing left to write in the spec for the decisions ahead',
      ),
    ).toBeInTheDocument();
    unmount();
    await renderPanel({}, true, jest.fn(), {
      ...readiness,
      specValid: false,
      stillToWrite: undefined,
    });
    await screen.findByText('Hand off: 1 of 2 met');
    expect(
      screen.queryByRole('region', { name: 'Still to write' }),
    ).not.toBeInTheDocument();
  });

  it('opens a long gate with what is unmet and folds what is met', async () => {
    const met = (id: string) => ({
      id,
      description: `Met ${id}`,
      met: true,
      reason: 'Done',
    });
    await renderPanel({}, true, jest.fn(), {
      ...readiness,
      gates: [
        {
          decision: 'hand-off',
          met: false,
          requirements: [
            met('a'),
            met('b'),
            {
              id: 'rollback',
              description: 'A rollback procedure',
              met: false,
              reason:
                'Not in the spec yet: Deployment checklist and rollback: the rollback procedure',
            },
            met('c'),
            met('d'),
            met('e'),
          ],
        },
      ],
    });
    const gate = await screen.findByRole('region', { name: 'Hand off gate' });
    expect(within(gate).getByText('A rollback procedure')).toBeInTheDocument();
    expect(within(gate).queryByText('Met a')).not.toBeInTheDocument();
    fireEvent.click(
      within(gate).getByRole('button', { name: 'Show the 5 met' }),
    );
    expect(within(gate).getByText('Met e')).toBeInTheDocument();
    // Unmet first, then the met ones.
    const items = within(gate)
      .getAllByRole('listitem')
      .map(i => i.textContent);
    expect(items[0]).toMatch(/^A rollback procedure/);
    expect(
      within(gate).getByRole('button', { name: 'Hide the 5 met' }),
    ).toBeVisible();
  });

  it('says how long a hand-off has waited against its SLA, in working days', async () => {
    const waiting = {
      ...readiness,
      stage: 'handed-off' as const,
      gates: [],
      transfer: {
        toOwner: 'group:default/sre',
        status: 'pending' as const,
        fromOwner: 'group:default/data-science',
        createdAt: '2026-11-16T10:00:00.000Z',
        decisionSequence: 3,
      },
      sla: {
        kind: 'handoffAcceptance' as const,
        workingDays: 10,
        since: '2026-11-16T10:00:00.000Z',
        dueAt: '2026-11-30T10:00:00.000Z',
        waitedWorkingDays: 12,
        breached: true,
      },
    };
    await renderPanel({}, true, jest.fn(), waiting as any);
    const alert = await screen.findByText(/is waiting for them to accept it/);
    expect(alert.closest('[role="alert"]')?.textContent).toMatch(
      /Hand-off to .*sre.* is waiting for them to accept it: waiting 12 working days \(SLA 10\), past its SLA\./,
    );
    expect(alert.closest('[role="alert"]')?.textContent).not.toContain(
      'group:default/',
    );
  });

  it('shows a stage the capability passed by as skipped, not done', async () => {
    await renderPanel({}, true, jest.fn(), {
      ...readiness,
      stage: 'handed-off',
      stagesVisited: ['pilot', 'readiness-review', 'handed-off'],
      gates: [],
    });
    const stepper = await screen.findByLabelText('Readiness stages');
    expect(within(stepper).getAllByText('Skipped')).toHaveLength(1);
    const hardening = within(stepper)
      .getByText('Hardening')
      .closest('.MuiStep-root') as HTMLElement;
    expect(within(hardening).getByText('Skipped')).toBeInTheDocument();
    const review = within(stepper)
      .getByText('Readiness review')
      .closest('.MuiStep-root') as HTMLElement;
    expect(review.className).toMatch(/completed/);
    expect(hardening.className).not.toMatch(/completed/);
  });

  it('offers only the decisions the stage allows and explains an unmet gate before submitting', async () => {
    await renderPanel({});
    fireEvent.click(
      await screen.findByRole('button', { name: 'Record a decision' }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.mouseDown(
      within(dialog).getByRole('button', { name: /Decision/ }),
    );
    const options = (await screen.findAllByRole('option')).map(
      o => o.textContent,
    );
    expect(options).toEqual([
      'Harden further',
      'Hand off (gate not met)',
      'Reframe',
      'Stop',
    ]);
    fireEvent.click(
      screen.getByRole('option', { name: 'Hand off (gate not met)' }),
    );
    expect(
      within(dialog).getByText('The gate is not met yet:'),
    ).toBeInTheDocument();
    // The decision waits for its gate; a person's approval offers no exception.
    expect(
      within(dialog).getByText(/The decision waits until its gate is met/),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('button', { name: 'Request an exception' }),
    ).not.toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Record decision' }),
    ).toBeDisabled();
  });

  it('offers an exception for an unmet artifact, never for a person, and shows one waiting to be granted', async () => {
    const requestException = jest.fn().mockResolvedValue({});
    const onChange = jest.fn();
    const unmetRollback: ReadinessSummary = {
      ...readiness,
      exceptionGrantors: ['group:default/risk-and-compliance'],
      reviewWithinDays: 90,
      gates: readiness.gates!.map(g =>
        g.decision !== 'hand-off'
          ? g
          : {
              ...g,
              requirements: [
                {
                  id: 'rollback',
                  description: 'A rollback procedure',
                  met: false,
                  reason:
                    'Not in the spec yet: Deployment checklist and rollback: the rollback procedure',
                },
                ...g.requirements.slice(1),
                {
                  id: 'test-plan',
                  description: 'A test plan',
                  met: false,
                  reason:
                    'Not in the spec yet: Test plan. Waiting for an exception to be granted (requested by user:default/alan)',
                  exception: {
                    id: 3,
                    status: 'pending',
                    by: 'user:default/alan',
                    until: '2027-03-01',
                  },
                },
              ],
            },
      ),
    };
    await renderPanel({ requestException }, true, onChange, unmetRollback);
    const gate = await screen.findByRole('region', { name: 'Hand off gate' });
    // One offer: the rollback; not the approval, not the one already asked.
    const offers = within(gate).getAllByRole('button', {
      name: 'Request an exception',
    });
    expect(offers).toHaveLength(1);
    expect(
      within(gate).getByText(/Waiting for an exception to be granted/),
    ).toBeInTheDocument();
    fireEvent.click(offers[0]);
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(
        /a member of group:default\/risk-and-compliance grants it/,
      ),
    ).toBeInTheDocument();
    const send = within(dialog).getByRole('button', {
      name: 'Request exception',
    });
    fireEvent.change(
      within(dialog).getByLabelText('Why the requirement can wait'),
      {
        target: { value: 'too short' },
      },
    );
    expect(send).toBeDisabled();
    fireEvent.change(
      within(dialog).getByLabelText('Why the requirement can wait'),
      {
        target: { value: 'The rollback is a feature flag, tested on Monday' },
      },
    );
    fireEvent.click(send);
    await waitFor(() => expect(onChange).toHaveBeenCalled());
    expect(requestException).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'forecast' },
      {
        requirement: 'rollback',
        justification: 'The rollback is a feature flag, tested on Monday',
      },
    );
  });

  it("renders the server's refusal in plain words and keeps what the user typed", async () => {
    const decide = jest
      .fn()
      .mockRejectedValue(
        await conflict(
          'The capability changed since you looked: the latest decision is number 2, not 1. Reload and decide again.',
        ),
      );
    const onChange = jest.fn();
    await renderPanel({ decide }, true, onChange);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Record a decision' }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.mouseDown(
      within(dialog).getByRole('button', { name: /Decision/ }),
    );
    fireEvent.click(
      await screen.findByRole('option', { name: 'Harden further' }),
    );
    fireEvent.change(within(dialog).getByLabelText('Rationale'), {
      target: { value: 'Load test failed' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Record decision' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The capability changed since you looked',
    );
    expect(within(dialog).getByLabelText('Rationale')).toHaveValue(
      'Load test failed',
    );
    expect(decide).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'forecast' },
      {
        decision: 'harden',
        rationale: 'Load test failed',
        expectedSequence: 1,
        specVersion: 2,
      },
    );
    expect(onChange).not.toHaveBeenCalled();
  });

  it('records a decision and reports the change', async () => {
    const decide = jest.fn().mockResolvedValue({});
    const onChange = jest.fn();
    await renderPanel({ decide }, true, onChange);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Record a decision' }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.mouseDown(
      within(dialog).getByRole('button', { name: /Decision/ }),
    );
    fireEvent.click(await screen.findByRole('option', { name: 'Stop' }));
    fireEvent.change(within(dialog).getByLabelText('Rationale'), {
      target: { value: 'No longer needed' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Record decision' }),
    );
    await waitFor(() => expect(onChange).toHaveBeenCalled());
  });

  it('shows the approve button to those the permission API allows, and hides actions otherwise', async () => {
    const approve = jest.fn().mockResolvedValue({});
    const { unmount } = await renderPanel({ approve });
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Approve “Hand off” as accountable owner',
      }),
    );
    await waitFor(() =>
      expect(approve).toHaveBeenCalledWith(expect.anything(), {
        decision: 'hand-off',
        role: 'accountable',
      }),
    );
    unmount();
    await renderPanel({ approve }, false);
    expect(await screen.findByText('Hand off: 1 of 2 met')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Approve/ })).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Record a decision' }),
    ).toBeNull();
  });
});

const operating: ReadinessSummary = {
  ...readiness,
  stage: 'operating',
  sequence: 4,
  specVersion: 3,
  riskTier: 'high',
  gates: [
    { decision: 'harden', met: true, requirements: [] },
    {
      decision: 'review',
      met: true,
      requirements: [
        {
          id: 'owner-reviews',
          description: 'Recorded by the operating owner or the catalog owner',
          met: true,
          reason: 'Recorded by the owner',
        },
      ],
    },
    { decision: 'reframe', met: true, requirements: [] },
    { decision: 'stop', met: true, requirements: [] },
  ],
};

describe('Recording a review', () => {
  async function fillReview(dialog: HTMLElement) {
    const type = (label: string | RegExp, value: string) =>
      fireEvent.change(within(dialog).getByLabelText(label), {
        target: { value },
      });
    type('How many', '1200');
    type('Of what', 'forecasts');
    type('Per', 'week');
    type('Known friction', 'Planners re-key the forecast');
    type(/Incidents and exceptions/, 'none');
    type('What the next cycle will change', 'Export to the ordering tool');
    type('Conclusion', 'In steady use');
  }

  it("sends the readout, shows the server's words on a refusal and keeps every field", async () => {
    const decide = jest
      .fn()
      .mockRejectedValueOnce(
        await conflict(
          'Only group:default/data-science (or a member) can record a review and confirm ownership',
          403,
          'NotAllowedError',
        ),
      )
      .mockResolvedValueOnce({});
    const onChange = jest.fn();
    await renderPanel({ decide }, true, onChange, operating);
    // A review has its own action; the decision dialog no longer lists it.
    fireEvent.click(
      await screen.findByRole('button', { name: 'Record review' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Record a review',
    });
    await fillReview(dialog);
    const submit = within(dialog).getByRole('button', {
      name: 'Record review',
    });
    // Nothing is sent before the owner confirms they still own it.
    expect(submit).toBeDisabled();
    fireEvent.click(
      within(dialog).getByLabelText('We still own this capability and run it'),
    );
    fireEvent.click(submit);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Only group:default/data-science (or a member) can record a review',
    );
    expect(within(dialog).getByLabelText('Known friction')).toHaveValue(
      'Planners re-key the forecast',
    );
    expect(within(dialog).getByLabelText('How many')).toHaveValue(1200);
    expect(onChange).not.toHaveBeenCalled();
    expect(decide).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'forecast' },
      {
        decision: 'review',
        rationale: 'In steady use',
        expectedSequence: 4,
        specVersion: 3,
        readout: {
          usage: { value: 1200, unit: 'forecasts', period: 'week' },
          friction: 'Planners re-key the forecast',
          incidents: 'none',
          ownerConfirmed: true,
          nextChange: 'Export to the ordering tool',
        },
      },
    );
    fireEvent.click(submit);
    await waitFor(() => expect(onChange).toHaveBeenCalled());
  });

  it("measures the spec's success criteria in a review: numbers as numbers, words as words, empty ones left out", async () => {
    const decide = jest.fn().mockResolvedValue({});
    await renderPanel({ decide }, true, jest.fn(), {
      ...operating,
      successCriteria: [
        { metric: 'WAPE', target: 18, unit: 'percent' },
        { metric: 'Planner satisfaction', target: 'most prefer it' },
        { metric: 'Stockouts', target: 3 },
      ],
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Record review' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Record a review',
    });
    await fillReview(dialog);
    fireEvent.change(
      within(dialog).getByLabelText('WAPE (target 18 percent)'),
      { target: { value: '21.5' } },
    );
    fireEvent.change(
      within(dialog).getByLabelText(
        'Planner satisfaction (target most prefer it)',
      ),
      { target: { value: '9 of 10 prefer it' } },
    );
    fireEvent.click(
      within(dialog).getByLabelText('Planner satisfaction met its target'),
    );
    fireEvent.click(
      within(dialog).getByLabelText('We still own this capability and run it'),
    );
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Record review' }),
    );
    await waitFor(() => expect(decide).toHaveBeenCalled());
    expect(decide.mock.calls[0][1].readout.kpis).toEqual([
      { metric: 'WAPE', measured: 21.5, met: false },
      {
        metric: 'Planner satisfaction',
        measured: '9 of 10 prefer it',
        met: true,
      },
    ]);
  });

  it('keeps the review out of the decision dialog', async () => {
    await renderPanel({}, true, jest.fn(), operating);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Record a decision' }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.mouseDown(
      within(dialog).getByRole('button', { name: /Decision/ }),
    );
    expect(
      (await screen.findAllByRole('option')).map(o => o.textContent),
    ).toEqual(['Harden further', 'Reframe', 'Stop']);
  });
});

describe('ReadinessPanel refusals', () => {
  it("shows the server's 403 for an approval by someone not entitled", async () => {
    const approve = jest
      .fn()
      .mockRejectedValue(
        await conflict(
          'Only the accountable owner (user:default/ada) may give this approval',
          403,
          'NotAllowedError',
        ),
      );
    await renderPanel({ approve });
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Approve “Hand off” as accountable owner',
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Only the accountable owner (user:default/ada) may give this approval',
    );
  });
});

describe('HandoffCard', () => {
  it('shows progress while loading', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [handoffApiRef, { getReadiness: () => new Promise<never>(() => {}) }],
        ]}
      >
        <EntityProvider entity={entity}>
          <HandoffCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows an overdue review in the error colour with how many days, and the next gate', async () => {
    const tenDaysAgo = new Date(Date.now() - 10.5 * 86_400_000).toISOString();
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            handoffApiRef,
            {
              getReadiness: jest.fn().mockResolvedValue({
                ...readiness,
                nextReviewAt: tenDaysAgo,
                overdue: true,
                transfer: { toOwner: 'group:default/sre', status: 'pending' },
                failingChecks: ['drift-weekly'],
                reviewRequired: ['drift-weekly'],
                lastReview: {
                  sequence: 3,
                  at: '2026-08-01T00:00:00.000Z',
                  by: 'user:default/alan',
                },
              }),
            },
          ],
        ]}
      >
        <EntityProvider entity={entity}>
          <HandoffCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const overdue = await screen.findByText(/overdue by 10 days/);
    expect(getComputedStyle(overdue).color).not.toBe('');
    expect(overdue.className).toMatch(/overdue/);
    expect(
      screen.getByText('Hand off: 1 of 2 requirements met'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Hand-off to group:default/sre is not accepted yet.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Failing checks: drift-weekly'),
    ).toBeInTheDocument();
    // The last review and who recorded it.
    expect(screen.getByText(/^Last review$/i)).toBeInTheDocument();
    // The drift breach is its own state on the card.
    expect(
      screen.getByText(/Review required: drift-weekly failed/),
    ).toBeInTheDocument();
  });
});
