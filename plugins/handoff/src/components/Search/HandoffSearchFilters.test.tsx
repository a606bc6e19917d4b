import {
  MockSearchApi,
  SearchContextProvider,
  searchApiRef,
  useSearch,
} from '@backstage/plugin-search-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { HandoffSearchFilters } from './HandoffSearchFilters';

/** What the search context holds, and a way to choose another result type. */
function Probe() {
  const { types, filters, setTypes } = useSearch();
  return (
    <>
      <output data-testid="state">{JSON.stringify({ types, filters })}</output>
      <button onClick={() => setTypes([])}>All</button>
      <button onClick={() => setTypes(['handoff'])}>Capabilities</button>
    </>
  );
}

const state = () => JSON.parse(screen.getByTestId('state').textContent!);

describe('HandoffSearchFilters', () => {
  it('shows the stage and tier filters for capabilities and clears them when another type is chosen', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[searchApiRef, new MockSearchApi()]]}>
        <SearchContextProvider
          initialState={{
            term: '',
            types: ['handoff'],
            filters: { stage: 'pilot', riskTier: ['high'], kind: 'Component' },
          }}
        >
          <HandoffSearchFilters />
          <Probe />
        </SearchContextProvider>
      </TestApiProvider>,
    );
    expect(screen.getByText('Capability stage')).toBeInTheDocument();
    expect(screen.getByText('Capability risk tier')).toBeInTheDocument();
    expect(state().filters).toEqual({
      stage: 'pilot',
      riskTier: ['high'],
      kind: 'Component',
    });

    // "All" counts every type without Handoff's filters, so choosing it
    // must not leave them applied: the filters go, another plugin's stay.
    fireEvent.click(screen.getByRole('button', { name: 'All' }));
    await waitFor(() => expect(state().filters).toEqual({ kind: 'Component' }));
    expect(screen.queryByText('Capability stage')).not.toBeInTheDocument();
    expect(state().types).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Capabilities' }));
    expect(await screen.findByText('Capability stage')).toBeInTheDocument();
    expect(state().filters).toEqual({ kind: 'Component' });
  });
});
