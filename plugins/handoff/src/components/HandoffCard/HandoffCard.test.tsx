import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { screen } from '@testing-library/react';
import { HandoffApi, handoffApiRef } from '../../api';
import { HandoffCard } from './HandoffCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'churn-model', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/data-science' },
};

function renderCard(api: Partial<HandoffApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[handoffApiRef, api]]}>
      <EntityProvider entity={entity}>
        <HandoffCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('HandoffCard', () => {
  it('shows the stage, owner, spec and review date from the backend', async () => {
    const getReadiness = jest.fn().mockResolvedValue({
      entityRef: 'component:default/churn-model',
      title: 'churn-model',
      stage: 'readiness-review',
      stageSince: '2026-10-01T00:00:00.000Z',
      owner: 'group:default/data-science',
      specLocation: './handoff.yaml',
      nextReviewAt: '2027-01-15T00:00:00.000Z',
    });
    await renderCard({ getReadiness });

    expect(await screen.findByText('Readiness review')).toBeInTheDocument();
    expect(screen.getByText('./handoff.yaml')).toBeInTheDocument();
    expect(screen.getByText(/data-science/)).toBeInTheDocument();
    expect(
      screen.getByText(
        new Date('2027-01-15T00:00:00.000Z').toLocaleDateString(),
      ),
    ).toBeInTheDocument();
    expect(getReadiness).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'churn-model',
    });
  });

  it('tells how to add a spec when the entity has none', async () => {
    await renderCard({
      getReadiness: jest.fn().mockResolvedValue({
        entityRef: 'component:default/churn-model',
        title: 'churn-model',
        stage: 'proposed',
      }),
    });
    expect(await screen.findByText('Proposed')).toBeInTheDocument();
    expect(screen.getByText(/Add a handoff.yaml/)).toBeInTheDocument();
  });

  it('says what the server says during an outage, not the status line', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'ServiceUnavailableError',
          message:
            'Nothing was changed: the database is not available; try again in a moment',
        },
        response: { statusCode: 503 },
      }),
      {
        status: 503,
        statusText: 'Service Unavailable',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response as any);
    expect(error.message).toBe('Request failed with 503 Service Unavailable');
    await renderCard({ getReadiness: jest.fn().mockRejectedValue(error) });
    // The panel's title is the server's sentence.
    expect(
      await screen.findByRole('heading', {
        name: /Nothing was changed: the database is not available; try again in a moment/,
      }),
    ).toBeInTheDocument();
  });

  it('shows the backend error instead of the card content', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotFoundError',
          message: 'No entity component:default/churn-model in the catalog',
        },
        response: { statusCode: 404 },
      }),
      { status: 404, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response as any);
    await renderCard({ getReadiness: jest.fn().mockRejectedValue(error) });
    expect(
      (
        await screen.findAllByText(
          /No entity component:default\/churn-model in the catalog/,
        )
      ).length,
    ).toBeGreaterThan(0);
  });
});
