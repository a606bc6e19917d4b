import { useEffect } from 'react';
import { SearchFilter, useSearch } from '@backstage/plugin-search-react';
import { STAGES, STAGE_TITLES } from '@handoff/backstage-plugin-handoff-common';

/** The search filters this component owns. */
const FILTERS = ['stage', 'riskTier'];

/**
 * Stage and risk-tier filters for the search page: "every high-risk
 * capability in hardening". They are shown while Capabilities is the chosen
 * result type, and cleared when another type is chosen, so a type's count
 * on the page is always the number of results a click on it shows.
 *
 * @public
 */
export function HandoffSearchFilters(props: { className?: string }) {
  const { types, filters, setFilters } = useSearch();
  const shown = types.includes('handoff');
  const stale = !shown && FILTERS.some(name => filters[name] !== undefined);

  useEffect(() => {
    if (!stale) return;
    setFilters(current =>
      Object.fromEntries(
        Object.entries(current).filter(([name]) => !FILTERS.includes(name)),
      ),
    );
  }, [stale, setFilters]);

  if (!shown) return null;
  return (
    <>
      <SearchFilter.Select
        className={props.className}
        label="Capability stage"
        name="stage"
        values={STAGES.map(stage => ({
          value: stage,
          label: STAGE_TITLES[stage],
        }))}
      />
      <SearchFilter.Checkbox
        className={props.className}
        label="Capability risk tier"
        name="riskTier"
        values={[
          { value: 'low', label: 'Low' },
          { value: 'medium', label: 'Medium' },
          { value: 'high', label: 'High' },
        ]}
      />
    </>
  );
}
