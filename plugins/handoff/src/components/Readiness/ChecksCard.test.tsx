import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { HandoffApi, handoffApiRef } from '../../api';
import { ChecksCard } from './ChecksCard';

/** The attack under test: a link that runs script. */
// eslint-disable-next-line no-script-url
const SCRIPT_URL = 'javascript:alert(1)';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'churn-model', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/data-science' },
};

const check = (id: number, link: string) => ({
  id,
  entityRef: 'component:default/churn-model',
  name: `drift-${id}`,
  kind: 'drift',
  status: 'fail',
  details: `run ${id}`,
  link,
  reporter: id === 1 ? 'user:default/ada' : 'ci-pipeline',
  manual: id === 1,
  createdAt: '2026-11-20T00:00:00.000Z',
});

describe('ChecksCard', () => {
  it('shows the history even when a stored link is not http(s), linking only the safe one', async () => {
    const listChecks = jest.fn().mockResolvedValue({
      latest: [],
      history: [
        check(1, SCRIPT_URL),
        check(2, 'https://ci.example.com/runs/2'),
      ],
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[[handoffApiRef, { listChecks } as Partial<HandoffApi>]]}
      >
        <EntityProvider entity={entity}>
          <ChecksCard revision={0} />
        </EntityProvider>
      </TestApiProvider>,
    );
    // A person's result is labelled manual.
    expect(
      await screen.findByText('drift-1 (drift, manual)'),
    ).toBeInTheDocument();
    expect(screen.getByText('drift-2 (drift)')).toBeInTheDocument();
    const links = screen.getAllByRole('link', { name: /details/ });
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute('href', 'https://ci.example.com/runs/2');
    expect(document.querySelector('a[href^="javascript"]')).toBeNull();
  });
});
