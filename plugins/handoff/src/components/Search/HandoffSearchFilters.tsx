import { SearchFilter } from '@backstage/plugin-search-react';
import { STAGES } from '@handoff/backstage-plugin-handoff-common';

/**
 * Stage and risk-tier filters for the search page: "every high-risk
 * capability in hardening".
 *
 * @public
 */
export function HandoffSearchFilters(props: { className?: string }) {
  return (
    <>
      <SearchFilter.Select
        className={props.className}
        label="Capability stage"
        name="stage"
        values={[...STAGES]}
      />
      <SearchFilter.Checkbox
        className={props.className}
        label="Capability risk tier"
        name="riskTier"
        values={['low', 'medium', 'high']}
      />
    </>
  );
}
