import { useState } from 'react';
import { Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  PORTFOLIO_GAP_TITLES,
  PortfolioFilter,
  PortfolioQuery,
  PortfolioRow,
} from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { handoffApiRef } from '../../api';
import { StageChip } from '../StageChip';
import { OwnerName } from './OwnerName';

const SPEC_TEXT = { valid: 'Valid', invalid: 'Invalid', missing: 'None' };

/** Table columns by the sort key the API takes. */
const SORT_BY_FIELD: Record<string, PortfolioQuery['sort']> = {
  entityRef: 'entityRef',
  kind: 'kind',
  owner: 'owner',
  stage: 'stage',
  riskTier: 'risk',
  nextReviewAt: 'nextReview',
};

const columns: TableColumn<PortfolioRow>[] = [
  {
    title: 'Entity',
    field: 'entityRef',
    // Room for a name on one or two lines at common widths.
    cellStyle: { minWidth: 180 },
    render: row => (
      <EntityRefLink entityRef={row.entityRef} title={row.title} />
    ),
  },
  { title: 'Kind', field: 'kind', cellStyle: { whiteSpace: 'nowrap' } },
  {
    title: 'Owner',
    field: 'owner',
    render: row => (
      <OwnerName
        owner={row.owner}
        title={row.ownerTitle}
        resolves={row.ownerResolves}
      />
    ),
  },
  {
    title: 'Stage',
    field: 'stage',
    render: row =>
      row.stage ? (
        <StageChip stage={row.stage} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          Not a capability
        </Typography>
      ),
  },
  {
    title: 'Risk',
    field: 'riskTier',
    render: row => row.riskTier ?? '—',
  },
  {
    title: 'Next review',
    field: 'nextReviewAt',
    render: row => {
      if (!row.capability) return '—';
      if (!row.nextReviewAt) return 'Not scheduled';
      const date = new Date(row.nextReviewAt).toLocaleDateString();
      return row.gaps.includes('overdue') ? (
        <Typography color="error" variant="body2">
          {date} (overdue)
        </Typography>
      ) : (
        date
      );
    },
  },
  {
    title: 'Spec',
    field: 'specState',
    sorting: false,
    render: row => (
      <>
        {row.specState ? SPEC_TEXT[row.specState] : '—'}
        {row.specReadError && (
          <Typography variant="caption" color="error" display="block">
            Not read lately: {row.specReadError}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Gaps',
    field: 'gaps',
    sorting: false,
    cellStyle: { minWidth: 200 },
    render: row =>
      row.gaps.length ? (
        <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
          {row.gaps.map(gap => (
            <Chip
              key={gap}
              size="small"
              data-testid="gap-chip"
              // A long gap's words wrap inside the chip instead of being cut.
              style={{ height: 'auto', maxWidth: '100%' }}
              label={
                <span style={{ whiteSpace: 'normal', display: 'block' }}>
                  {PORTFOLIO_GAP_TITLES[gap]}
                </span>
              }
              title={
                gap === 'missing-artifacts'
                  ? row.missingArtifacts.join(', ')
                  : undefined
              }
            />
          ))}
        </Box>
      ) : (
        'None'
      ),
  },
];

/** The filtered portfolio, paged and sorted by the backend. */
export function PortfolioTable(props: {
  filter: PortfolioFilter;
  filterKey: string;
  onSortChange: (sort: Pick<PortfolioQuery, 'sort' | 'order'>) => void;
}) {
  const api = useApi(handoffApiRef);
  // The filter the backend last answered for.
  const [answered, setAnswered] = useState<string>();
  return (
    <Table<PortfolioRow>
      // A new filter starts again from the first page.
      key={props.filterKey}
      title={
        props.filter.scope === 'all'
          ? 'Catalog entities in this view'
          : 'Capabilities in this view'
      }
      columns={columns}
      options={{
        paging: true,
        pageSize: 20,
        pageSizeOptions: [20, 50, 100],
        search: false,
        emptyRowsWhenPaging: false,
      }}
      data={async query => {
        const sort = query.orderBy?.field
          ? SORT_BY_FIELD[String(query.orderBy.field)]
          : 'entityRef';
        const order = query.orderDirection === 'desc' ? 'desc' : 'asc';
        props.onSortChange({ sort, order });
        const page = await api.getPortfolio({
          ...props.filter,
          sort,
          order,
          offset: query.page * query.pageSize,
          limit: query.pageSize,
        });
        setAnswered(props.filterKey);
        return {
          data: page.items,
          page: query.page,
          totalCount: page.totalCount,
        };
      }}
      localization={{
        body: {
          // Said only once the backend has answered, never while it loads.
          emptyDataSourceMessage:
            answered !== props.filterKey
              ? ''
              : `No ${
                  props.filter.scope === 'all' ? 'catalog entity' : 'capability'
                } matches these filters.`,
        },
      }}
    />
  );
}
