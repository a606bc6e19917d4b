import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen } from '@testing-library/react';
import { handoffApiRef } from '../../api';
import { HandoffPage } from './HandoffPage';

describe('HandoffPage', () => {
  it('lists every capability with its stage', async () => {
    const listCapabilities = jest.fn().mockResolvedValue({
      items: [
        {
          entityRef: 'component:default/churn-model',
          title: 'Churn model',
          stage: 'pilot',
          owner: 'group:default/data-science',
        },
        {
          entityRef: 'component:default/fraud-scoring',
          title: 'Fraud scoring',
          stage: 'operating',
          specReadError:
            'the host git.example.com did not answer; the version shown was read on 2026-12-01 and not since',
        },
      ],
      totalItems: 2,
    });
    await renderInTestApp(
      <TestApiProvider apis={[[handoffApiRef, { listCapabilities }]]}>
        <HandoffPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText('Churn model')).toBeInTheDocument();
    expect(screen.getByText('Fraud scoring')).toBeInTheDocument();
    expect(screen.getByText('Pilot')).toBeInTheDocument();
    expect(screen.getByText('Operating')).toBeInTheDocument();
    expect(screen.getByText('No owner')).toBeInTheDocument();
    // A held-back spec is named on its row, and only there.
    expect(
      screen.getAllByText(
        /Spec not read lately: the host git.example.com did not answer/,
      ),
    ).toHaveLength(1);
    expect(listCapabilities).toHaveBeenCalledWith({
      limit: 20,
      cursor: undefined,
      q: undefined,
    });
  });

  it('pages through the backend with its cursor', async () => {
    const row = (n: number) => ({
      entityRef: `component:default/cap-${n}`,
      title: `Capability ${n}`,
      stage: 'pilot' as const,
    });
    const listCapabilities = jest.fn(async (options?: { cursor?: string }) =>
      options?.cursor === 'page-2'
        ? { items: [row(21)], totalItems: 21 }
        : {
            items: Array.from({ length: 20 }, (_, i) => row(i + 1)),
            totalItems: 21,
            nextCursor: 'page-2',
          },
    );
    await renderInTestApp(
      <TestApiProvider apis={[[handoffApiRef, { listCapabilities }]]}>
        <HandoffPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText('Capability 20')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: /next page/i }));
    expect(await screen.findByText('Capability 21')).toBeInTheDocument();
    expect(listCapabilities).toHaveBeenLastCalledWith({
      limit: 20,
      cursor: 'page-2',
      q: undefined,
    });
  }, 30_000);
});
