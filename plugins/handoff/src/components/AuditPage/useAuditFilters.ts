import {
  PortfolioFilter,
  portfolioFilterSchema,
} from '@handoff/backstage-plugin-handoff-common';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { portfolioParams } from '../../api/HandoffClient';

const KEYS = Object.keys(
  portfolioFilterSchema.shape,
) as (keyof PortfolioFilter)[];

/** Reads the audit filters from the URL, dropping values the API would refuse. */
export function filtersFromSearch(search: URLSearchParams): PortfolioFilter {
  const filter: Record<string, unknown> = {};
  for (const key of KEYS) {
    const raw = search.get(key);
    if (raw === null || raw === '') continue;
    const parsed = portfolioFilterSchema.shape[key].safeParse(raw);
    if (parsed.success && parsed.data !== undefined) filter[key] = parsed.data;
  }
  return filter as PortfolioFilter;
}

/** Keeps what is not a filter (the flow window) when the filters change. */
function keepOthers(from: URLSearchParams, to: URLSearchParams) {
  from.forEach((value, key) => {
    if (!(KEYS as string[]).includes(key)) to.set(key, value);
  });
}

/** The audit filters, kept in the URL so a view can be shared. */
export function useAuditFilters() {
  const [search, setSearch] = useSearchParams();
  const key = search.toString();
  const filter = useMemo(
    () => filtersFromSearch(new URLSearchParams(key)),
    [key],
  );
  const update = useCallback(
    (change: Partial<PortfolioFilter>) => {
      const next = new URLSearchParams(
        portfolioParams({ ...filtersFromSearch(search), ...change }),
      );
      keepOthers(search, next);
      setSearch(next, { replace: true });
    },
    [search, setSearch],
  );
  const clear = useCallback(() => {
    const next = new URLSearchParams();
    keepOthers(search, next);
    setSearch(next, { replace: true });
  }, [search, setSearch]);
  return { filter, filterKey: portfolioParams(filter), update, clear };
}
