import { useLocation } from 'react-router-dom';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef, catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  FlowCapability,
  PortfolioFacets,
  PortfolioOwnerRollup,
  PortfolioRow,
} from '@handoff/backstage-plugin-handoff-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { handoffApiRef } from '../../api';
import { AuditPage } from './AuditPage';

jest.setTimeout(30_000);

const noGaps = {
  overdue: 0,
  'owner-unresolved': 0,
  'no-operating-owner': 0,
  'operating-owner-differs': 0,
  'missing-artifacts': 0,
  'failing-checks': 0,
  'review-required': 0,
  'exception-expired': 0,
  'exception-pending': 0,
  'pending-transfer': 0,
  'sla-breached': 0,
  'kpi-missed': 0,
  'work-past-due': 0,
};

const facets: PortfolioFacets = {
  total: 2,
  kind: { component: 2 },
  stage: { pilot: 1, operating: 1 },
  risk: { high: 1 },
  spec: { valid: 1, invalid: 1 },
  gap: {
    ...noGaps,
    overdue: 1,
    'owner-unresolved': 1,
    'no-operating-owner': 2,
  },
  // Two entities in the view; one has both ownership gaps.
  inView: { overdue: 1, ownershipGaps: 2, invalidSpecs: 1, capabilities: 2 },
};

const none = { count: 0 };
/** Flow figures with `due` reviews (one on time, one late, the rest not yet). */
const figures = (due: number) => ({
  from: '2026-09-01T00:00:00.000Z',
  to: '2026-11-30T00:00:00.000Z',
  timeInStage: due
    ? { 'readiness-review': { count: 2, median: 10, p85: 95 } }
    : {},
  leadTime: {
    fromProposed: due ? { count: 1, median: 44, p85: 44 } : none,
    fromPilot: none,
  },
  handoffTurnaround: { count: 0, waiting: 1 },
  reviews: {
    due,
    onTime: due ? 1 : 0,
    late: due > 1 ? 1 : 0,
    notYet: Math.max(0, due - 2),
    daysLate: due > 1 ? { count: 2, median: 3, p85: 5 } : none,
  },
  exceptions: { decisions: 6, withException: 1 },
  reversals: 0,
  work: due
    ? { due: 5, onTime: 3, late: 1, open: 1 }
    : { due: 0, onTime: 0, late: 0, open: 0 },
  slas: {
    handoffAcceptance: { count: due ? 10 : 9, withinSla: due ? 8 : 6 },
    readinessReview: { count: 0, withinSla: 0 },
  },
});

const rows: PortfolioRow[] = [
  {
    entityRef: 'component:default/churn-model',
    kind: 'component',
    title: 'Churn model',
    owner: 'group:default/ghost-team',
    ownerResolves: false,
    capability: true,
    stage: 'pilot',
    riskTier: 'high',
    nextReviewAt: '2026-01-02T00:00:00.000Z',
    specState: 'invalid',
    operatingOwnerResolves: false,
    missingArtifacts: [],
    failingChecks: 0,
    gaps: ['overdue', 'owner-unresolved'],
  },
  {
    entityRef: 'component:default/fraud-scoring',
    kind: 'component',
    owner: 'group:default/risk',
    ownerTitle: 'Risk engineering',
    ownerResolves: true,
    capability: true,
    stage: 'operating',
    specState: 'valid',
    specReadError: 'the host git.example.com did not answer',
    operatingOwnerResolves: true,
    missingArtifacts: [],
    failingChecks: 0,
    gaps: [],
  },
];

const owners: PortfolioOwnerRollup[] = [
  {
    owner: 'group:default/ghost-team',
    ownerResolves: false,
    total: 1,
    byStage: { pilot: 1 },
    gaps: { ...noGaps, overdue: 1, 'owner-unresolved': 1 },
    invalidSpecs: 1,
    missingSpecs: 0,
  },
];

function apiMock(overrides: object = {}) {
  return {
    getPortfolio: jest
      .fn()
      .mockResolvedValue({ items: rows, totalCount: 2, offset: 0, limit: 20 }),
    getPortfolioFacets: jest.fn().mockResolvedValue(facets),
    getPortfolioOwners: jest.fn().mockResolvedValue({ items: owners }),
    getPortfolioCsv: jest.fn().mockResolvedValue(new Blob(['entityRef\n'])),
    getPortfolioSync: jest.fn().mockResolvedValue({
      running: false,
      latest: {
        startedAt: '2026-11-26T09:00:00.000Z',
        updatedAt: '2026-11-26T09:00:05.000Z',
        finishedAt: '2026-11-26T09:00:05.000Z',
        synced: 2,
        removed: 0,
      },
      specHosts: [
        {
          host: 'git.hanging.example',
          state: 'open',
          failures: 3,
          retryAt: '2026-11-26T09:05:00.000Z',
        },
        // Answered again since: nothing to say.
        { host: 'git.example.com', state: 'closed', failures: 1 },
      ],
    }),
    requestPortfolioSync: jest.fn(),
    listAllExceptions: jest.fn().mockResolvedValue({ items: [] }),
    getFlow: jest.fn(async (days: number) => ({
      days,
      current: figures(days === 30 ? 1 : 3),
      previous: figures(0),
      weeks: [
        {
          from: '2026-11-16T00:00:00.000Z',
          to: '2026-11-23T00:00:00.000Z',
          handoffsAccepted: 2,
          reachedOperating: 1,
          reviewsDue: 1,
          reviewsOnTime: 1,
        },
      ],
      groups: [
        {
          by: 'tier',
          key: 'high',
          capabilities: 7,
          figures: figures(3),
        },
        {
          by: 'owner',
          key: 'group:default/data-science',
          title: 'Data science',
          capabilities: 5,
          figures: figures(0),
        },
      ],
    })),
    // The backend pages the capabilities and picks those behind a tile.
    getFlowCapabilities: jest.fn(
      async (
        days: number,
        _filter: unknown,
        page: { behind?: string; offset: number; limit: number },
      ) => {
        const all: FlowCapability[] = [
          {
            entityRef: 'component:default/demand-forecast',
            title: 'Demand forecast',
            owner: 'group:default/data-science',
            stage: 'handed-off',
            daysInStage: 12,
            waitingForAcceptance: true,
            reviewsDue: 2,
            reviewsLate: 1,
            decisions: 4,
            withException: 1,
            workDue: 3,
            workPastDue: 2,
            handoffsWithSla: 0,
            handoffsWithinSla: 0,
          },
          {
            entityRef: 'component:default/loyalty-model',
            title: 'Loyalty model',
            owner: 'group:default/data-science',
            stage: 'operating',
            daysInStage: 40,
            daysToOperating: 44,
            daysToAccept: 3,
            waitingForAcceptance: false,
            reviewsDue: 0,
            reviewsLate: 0,
            decisions: 2,
            withException: 0,
            workDue: 0,
            workPastDue: 0,
            handoffsWithSla: 1,
            handoffsWithinSla: 1,
          },
        ];
        const behind: Record<string, (c: FlowCapability) => boolean> = {
          waiting: c => c.waitingForAcceptance,
          operating: c => c.daysToOperating !== undefined,
        };
        const items = page.behind ? all.filter(behind[page.behind]) : all;
        return {
          days,
          items: items.slice(page.offset, page.offset + page.limit),
          offset: page.offset,
          limit: page.limit,
          totalCount: items.length,
        };
      },
    ),
    getFlowCsv: jest.fn(async () => new Blob(['entityRef\n'])),
    ...overrides,
  };
}

/** Where the page has put the browser: its query string. */
function Location() {
  return <output data-testid="location">{useLocation().search}</output>;
}

async function render(api: object, path = '/') {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [handoffApiRef, api],
        [catalogApiRef, catalogApiMock({ entities: [] })],
      ]}
    >
      <AuditPage />
      <Location />
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      routeEntries: [path],
    },
  );
}

describe('AuditPage', () => {
  it('shows the summary tiles, the table, the stage chart and the roll-up', async () => {
    const api = apiMock();
    await render(api);
    expect(
      await screen.findByRole('button', { name: 'Overdue reviews: 1' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Ownership gaps: 2' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Invalid specs: 1' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Churn model')).toBeInTheDocument();
    // In the table, the roll-up and the largest owners alike.
    expect(
      screen.getAllByText('group:default/ghost-team (not in the catalog)'),
    ).toHaveLength(3);
    expect(screen.getByText(/\(overdue\)/)).toBeInTheDocument();
    expect(
      screen.getAllByText(
        'Not read lately: the host git.example.com did not answer',
      ),
    ).toHaveLength(1);
    // The spec host held back now, named where the platform team looks.
    expect(
      await screen.findByText(
        /The spec host git.hanging.example did not answer 3 reads in a row: its capabilities show the spec read before until it is tried again at/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/The spec host git.example.com/)).toBeNull();
    const stages = screen.getByTestId('handoff-audit-stages');
    expect(within(stages).getByLabelText('pilot count')).toHaveTextContent('1');
    expect(within(stages).getByLabelText('operating count')).toHaveTextContent(
      '1',
    );
    expect(api.getPortfolio).toHaveBeenCalledWith(
      expect.objectContaining({ sort: 'entityRef', offset: 0, limit: 20 }),
    );
  });

  it('shows the flow figures of a window beside the period before, in words', async () => {
    const api = apiMock();
    await render(api);
    const table = await screen.findByRole('table', { name: 'Flow figures' });
    const row = (label: string) =>
      within(table).getByRole('row', { name: new RegExp(`^${label}`) });
    expect(
      await within(table).findByText('1 of 3, 1 late, 1 not recorded yet'),
    ).toBeInTheDocument();
    expect(row('Median time in readiness review')).toHaveTextContent(
      '10 days (85 % within 95 days), 2 stays',
    );
    expect(row('Median time to operating, from proposed')).toHaveTextContent(
      '44 days, 1 capability—',
    );
    expect(row('Decisions recorded with an exception')).toHaveTextContent(
      '1 of 6',
    );
    // Work items due in the window, by whether they were closed in time.
    expect(row('Work items closed by their due date')).toHaveTextContent(
      '3 of 5, 1 closed late, 1 still openNone due',
    );
    expect(api.getFlow).toHaveBeenCalledWith(90, {});
    // Tiles in plain words, the period before beside each.
    const tile = screen
      .getAllByText('Hand-offs accepted within their SLA')[0]
      .closest('div') as HTMLElement;
    expect(tile).toHaveTextContent(
      'Hand-offs accepted within their SLA8 of 10The 90 days before: 6 of 9',
    );
    // The capabilities behind the figures, by name, each a link.
    expect(
      await screen.findByText('The capabilities behind the figures (2)'),
    ).toBeInTheDocument();
    const link = screen.getByRole('link', { name: 'Demand forecast' });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/component/demand-forecast',
    );
    expect(screen.getByText('Waiting')).toBeInTheDocument();
    expect(screen.getByText('1 of 2')).toBeInTheDocument();
    expect(screen.getByText('2 of 3')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Flow by week' }),
    ).toBeInTheDocument();
    // Broken down by risk tier and by owner, the owner by name.
    const groups = screen.getByRole('table', {
      name: 'Flow by risk tier and owner',
    });
    expect(
      within(groups).getByRole('row', { name: /^High risk/ }),
    ).toHaveTextContent('High risk78 of 10');
    expect(
      within(groups).getByRole('link', { name: 'Data science' }),
    ).toBeInTheDocument();
    expect(groups).not.toHaveTextContent('group:default/');
  });

  it('shows the capabilities behind a tile when it is clicked, kept in the URL', async () => {
    const api = apiMock();
    await render(api);
    await screen.findByText('The capabilities behind the figures (2)');
    const waiting = screen.getByRole('button', {
      name: /^Hand-offs waiting for acceptance: 1\. Show the capabilities behind it$/,
    });
    await userEvent.click(waiting);
    expect(waiting).toHaveAttribute('aria-pressed', 'true');
    expect(
      await screen.findByText(
        'The capabilities behind “Hand-offs waiting for acceptance” (1)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Demand forecast' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Loyalty model' })).toBeNull();
    expect(screen.getByTestId('location')).toHaveTextContent('behind=waiting');

    // Another tile: the capability that reached operating.
    await userEvent.click(
      screen.getByRole('button', { name: /^Median time to operating/ }),
    );
    expect(
      await screen.findByText(
        'The capabilities behind “Median time to operating” (1)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Loyalty model' }),
    ).toBeInTheDocument();
    expect(api.getFlowCapabilities).toHaveBeenLastCalledWith(
      90,
      {},
      { behind: 'operating', offset: 0, limit: 20 },
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Show every capability' }),
    );
    expect(
      await screen.findByText('The capabilities behind the figures (2)'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('location')).not.toHaveTextContent('behind=');
  });

  it("keeps the flow's window in the URL and narrows it with the audit's filters", async () => {
    const api = apiMock();
    await render(api, '/?owner=group:default/ml&flow=30');
    await screen.findByText('The capabilities behind the figures (2)');
    expect(api.getFlow).toHaveBeenCalledWith(30, {
      owner: 'group:default/ml',
    });
    await userEvent.click(
      screen.getByRole('button', { name: 'Download flow as CSV' }),
    );
    await waitFor(() =>
      expect(api.getFlowCsv).toHaveBeenCalledWith(30, {
        owner: 'group:default/ml',
      }),
    );
  });

  it('narrows the view as you type, without pressing Enter, from a labelled search box', async () => {
    const api = apiMock();
    await render(api);
    await screen.findByText('Churn model');
    const box = screen.getByRole('searchbox', { name: 'Search name or title' });
    await userEvent.type(box, 'fraud');
    await waitFor(() =>
      expect(api.getPortfolio).toHaveBeenLastCalledWith(
        expect.objectContaining({ q: 'fraud' }),
      ),
    );
    // One request for the word, not one per keystroke.
    const withQuery = api.getPortfolio.mock.calls.filter(
      ([query]: any[]) => query.q,
    );
    expect(withQuery.map(([query]: any[]) => query.q)).toEqual(['fraud']);
  });

  it('shows progress while the figures load', async () => {
    await render(apiMock({ getPortfolioFacets: () => new Promise(() => {}) }));
    expect(await screen.findAllByTestId('progress')).not.toHaveLength(0);
  });

  it('reads its filters from the URL, ignoring values the API would refuse', async () => {
    const api = apiMock();
    await render(
      api,
      '/?gap=overdue&stage=pilot,launched&owner=group:default/ml',
    );
    await screen.findByText('Churn model');
    expect(api.getPortfolioFacets).toHaveBeenCalledWith({
      gap: ['overdue'],
      owner: 'group:default/ml',
    });
    expect(api.getPortfolio).toHaveBeenCalledWith(
      expect.objectContaining({ gap: ['overdue'], owner: 'group:default/ml' }),
    );
  });

  it('narrows the view from a tile, and exports what it shows', async () => {
    const api = apiMock();
    await render(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Ownership gaps: 2' }),
    );
    await waitFor(() =>
      expect(api.getPortfolioFacets).toHaveBeenLastCalledWith({
        gap: ['owner-unresolved', 'no-operating-owner'],
      }),
    );
    await waitFor(() =>
      expect(api.getPortfolio).toHaveBeenLastCalledWith(
        expect.objectContaining({
          gap: ['owner-unresolved', 'no-operating-owner'],
        }),
      ),
    );
    global.URL.createObjectURL = jest.fn(() => 'blob:csv');
    global.URL.revokeObjectURL = jest.fn();
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() =>
      expect(api.getPortfolioCsv).toHaveBeenCalledWith({
        gap: ['owner-unresolved', 'no-operating-owner'],
        sort: 'entityRef',
        order: 'asc',
      }),
    );
  });

  it('says plainly when the reader may not audit', async () => {
    const forbidden = Object.assign(
      new Error('You may not handoff.audit.read'),
      {
        name: 'NotAllowedError',
      },
    );
    await render(
      apiMock({
        getPortfolioFacets: jest.fn().mockRejectedValue(forbidden),
      }),
    );
    expect(
      await screen.findByText(/The audit is for auditors/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/only people allowed to audit Handoff/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Request failed|403/)).not.toBeInTheDocument();
    expect(screen.queryByText('Churn model')).not.toBeInTheDocument();
  });

  it('shows owners by their display name with the ref on hover, and an unknown owner whole in the error colour', async () => {
    await render(apiMock());
    const owner = await screen.findByText('Risk engineering');
    expect(owner.closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/group/risk',
    );
    expect(owner.closest('[title]')).toHaveAttribute(
      'title',
      'group:default/risk',
    );
    const unknown = screen
      .getAllByText('group:default/ghost-team (not in the catalog)')
      .find(el => el.tagName === 'P')!;
    expect(unknown).toHaveStyle({ whiteSpace: 'nowrap' });
    expect(unknown.className).toMatch(/colorError/);
  });

  it('lists every catalog entity in the all-entities scope, where one without a spec has no stage, spec or review', async () => {
    const plain: PortfolioRow = {
      entityRef: 'api:default/orders',
      kind: 'api',
      owner: 'group:default/risk',
      ownerTitle: 'Risk engineering',
      ownerResolves: true,
      capability: false,
      operatingOwnerResolves: false,
      missingArtifacts: [],
      failingChecks: 0,
      gaps: [],
    };
    const api = apiMock({
      getPortfolio: jest.fn().mockResolvedValue({
        items: [...rows, plain],
        totalCount: 3,
        offset: 0,
        limit: 20,
      }),
      getPortfolioFacets: jest.fn().mockResolvedValue({ ...facets, total: 3 }),
    });
    await render(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'All catalog entities' }),
    );
    await waitFor(() =>
      expect(api.getPortfolioFacets).toHaveBeenLastCalledWith({ scope: 'all' }),
    );
    expect(
      await screen.findByText('Catalog entities in this view'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('in this view, 2 of them capabilities'),
    ).toBeInTheDocument();
    const row = (await screen.findByText('orders')).closest('tr')!;
    expect(within(row).getByText('Not a capability')).toBeInTheDocument();
    expect(within(row).queryByText('Not scheduled')).not.toBeInTheDocument();
  });

  it('says no entity matches in the words of its scope, and never while the page loads', async () => {
    let answer: (page: object) => void = () => {};
    const empty = { items: [], totalCount: 0, offset: 0, limit: 20 };
    const api = apiMock({
      getPortfolio: jest
        .fn()
        .mockImplementationOnce(
          () => new Promise(resolve => (answer = resolve)),
        )
        .mockResolvedValue(empty),
    });
    await render(api);
    await waitFor(() => expect(api.getPortfolio).toHaveBeenCalled());
    // Still loading: nothing claims there is no match.
    expect(screen.queryByText(/matches these filters/)).not.toBeInTheDocument();
    answer(empty);
    expect(
      await screen.findByText('No capability matches these filters.'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'All catalog entities' }),
    );
    expect(
      await screen.findByText('No catalog entity matches these filters.'),
    ).toBeInTheDocument();
  });

  it('syncs with the catalog on request, shows its progress, then reads the figures again', async () => {
    const earlier = {
      running: false,
      latest: {
        startedAt: '2026-11-26T09:00:00.000Z',
        updatedAt: '2026-11-26T09:00:05.000Z',
        finishedAt: '2026-11-26T09:00:05.000Z',
        synced: 2,
      },
    };
    const running = {
      running: true,
      latest: {
        startedAt: '2026-11-26T10:00:00.000Z',
        updatedAt: '2026-11-26T10:00:01.000Z',
        synced: 1,
      },
    };
    const finished = {
      running: false,
      latest: {
        ...running.latest,
        updatedAt: '2026-11-26T10:00:09.000Z',
        finishedAt: '2026-11-26T10:00:09.000Z',
        synced: 3,
        removed: 1,
      },
    };
    let state: object = earlier;
    const api = apiMock({
      getPortfolioSync: jest.fn(async () => state),
      requestPortfolioSync: jest.fn(async () => {
        state = running;
        return running;
      }),
    });
    await render(api);
    await screen.findByText('Churn model');
    const loads = api.getPortfolioFacets.mock.calls.length;
    await userEvent.click(
      screen.getByRole('button', { name: 'Sync with the catalog now' }),
    );
    expect(api.requestPortfolioSync).toHaveBeenCalledTimes(1);
    expect(
      await screen.findByText('Syncing with the catalog: 1 entities so far…'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Catalog sync in progress' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Syncing…' })).toBeDisabled();

    state = finished;
    expect(
      await screen.findByText(/3 entities, 1 removed\./, undefined, {
        timeout: 5000,
      }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Sync with the catalog now' }),
    ).toBeEnabled();
    await waitFor(() =>
      expect(api.getPortfolioFacets.mock.calls.length).toBeGreaterThan(loads),
    );
  });

  it('frees the button when the sync asked for ran to its end before the first look', async () => {
    const done = {
      running: false,
      latest: {
        startedAt: '2026-11-26T10:00:00.000Z',
        updatedAt: '2026-11-26T10:00:01.000Z',
        finishedAt: '2026-11-26T10:00:01.000Z',
        synced: 3,
      },
    };
    const api = apiMock({
      requestPortfolioSync: jest.fn().mockResolvedValue(done),
      getPortfolioSync: jest
        .fn()
        .mockResolvedValueOnce({ running: false })
        .mockResolvedValue(done),
    });
    await render(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Sync with the catalog now' }),
    );
    expect(
      await screen.findByText(/3 entities\./, undefined, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sync with the catalog now' }),
    ).toBeEnabled();
  });

  it('says plainly when a sync is running elsewhere or the reader may not start one', async () => {
    const conflict = Object.assign(new Error('Conflict'), {
      name: 'ResponseError',
      response: { status: 409 },
      body: {
        error: {
          message:
            'A catalog sync is already running; its progress is shown here',
        },
      },
    });
    const api = apiMock({
      requestPortfolioSync: jest.fn().mockRejectedValue(conflict),
    });
    await render(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Sync with the catalog now' }),
    );
    expect(
      await screen.findByText(
        'A catalog sync is already running; its progress is shown here',
      ),
    ).toBeInTheDocument();
  });
});
