import { SearchFilter } from '@backstage/plugin-search-react';
import { STAGES, STAGE_TITLES } from '@handoff/backstage-plugin-handoff-common';

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
