import { Entity } from '@backstage/catalog-model';
import { alertApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { WorkItem } from '@handoff/backstage-plugin-handoff-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HandoffApi, handoffApiRef } from '../../api';
import { WorkCard } from './WorkCard';

// eslint-disable-next-line no-script-url
const SCRIPT_URL = 'javascript:alert(1)';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'forecast', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/data-science' },
};

const item = (id: number, extra: Partial<WorkItem>): WorkItem => ({
  id,
  key: `component:default/forecast#decision:2#take-over:${id}`,
  entityRef: 'component:default/forecast',
  source: 'take-over',
  specPaths: [],
  title: `Item ${id}`,
  body: 'x',
  watchers: [],
  status: 'open',
  statusBy: 'user:default/alan',
  statusAt: '2026-12-01T00:00:00.000Z',
  revision: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  ...extra,
});

async function render(
  items: WorkItem[],
  updateWorkItem = jest.fn(),
  tracker?: string,
) {
  const listWorkItems = jest.fn().mockResolvedValue({
    items,
    summary: `0 of ${items.length} work items done`,
    tracker,
  });
  const post = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [
          handoffApiRef,
          { listWorkItems, updateWorkItem } as Partial<HandoffApi>,
        ],
        [alertApiRef, { post }],
      ]}
    >
      <EntityProvider entity={entity}>
        <WorkCard revision={0} />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return { listWorkItems, post };
}

describe('WorkCard', () => {
  it('shows open work with its assignee, due date, status and ticket, and only safe ticket links', async () => {
    await render([
      item(1, {
        title: 'Take over forecast',
        assignee: 'group:default/sre',
        dueAt: '2020-01-01T00:00:00.000Z',
        ticket: {
          tracker: 'github',
          id: 'octo/ops#7',
          url: 'https://github.com/octo/ops/issues/7',
          state: 'delivered',
          attempts: 0,
          assignee: 'octocat',
        },
      }),
      item(2, {
        source: 'delivery',
        title: 'Move the job',
        specPaths: ['deployment.checklist'],
        ticket: {
          tracker: 'github',
          state: 'failed',
          error: 'No GitHub repository for this capability',
          attempts: 2,
        },
      }),
      item(3, {
        title: 'Sneaky',
        ticket: {
          tracker: 'github',
          id: 'x',
          url: SCRIPT_URL,
          state: 'delivered',
          attempts: 0,
        },
      }),
      item(4, { title: 'Finished', status: 'done' }),
    ]);
    expect(await screen.findByText('Take over forecast')).toBeInTheDocument();
    expect(screen.getByText('0 of 4 work items done')).toBeInTheDocument();
    expect(screen.getByText(/\(past due\)/)).toBeInTheDocument();
    expect(
      screen.getByText('Delivery work · deployment.checklist'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Not sent to github: No GitHub repository for this capability/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /octo\/ops#7/ })).toHaveAttribute(
      'href',
      'https://github.com/octo/ops/issues/7',
    );
    expect(
      screen.getByText('Assigned in github to octocat'),
    ).toBeInTheDocument();
    expect(document.querySelector('a[href^="javascript"]')).toBeNull();
    // Done work is behind the filter.
    expect(screen.queryByText('Finished')).toBeNull();
  });

  it('says whether unfiled work waits for a tracker or has none', async () => {
    await render([item(1, {})], jest.fn(), 'jira');
    expect(
      await screen.findByText('Waiting to be filed in jira'),
    ).toBeInTheDocument();
  });

  it('changes a status at the revision it saw, and says why when the backend refuses', async () => {
    const updateWorkItem = jest
      .fn()
      .mockRejectedValue(
        new Error(
          'The work item changed since you looked. Reload and try again.',
        ),
      );
    const { post } = await render([item(1, { revision: 3 })], updateWorkItem);
    const select = await screen.findByRole('button', {
      name: 'Status of Item 1',
    });
    fireEvent.mouseDown(select);
    fireEvent.click(
      within(await screen.findByRole('listbox')).getByText('Done'),
    );
    await waitFor(() =>
      expect(updateWorkItem).toHaveBeenCalledWith(
        { kind: 'Component', namespace: 'default', name: 'forecast' },
        1,
        { status: 'done', expectedRevision: 3 },
      ),
    );
    await waitFor(() =>
      expect(post).toHaveBeenCalledWith(
        expect.objectContaining({
          severity: 'error',
          message: expect.stringMatching(/changed since you looked/),
        }),
      ),
    );
  });
});
