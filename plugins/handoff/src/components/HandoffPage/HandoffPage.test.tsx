import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
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
        },
      ],
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
  });
});
