import {
  Content,
  ContentHeader,
  Header,
  Page,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ReadinessSummary } from '@handoff/backstage-plugin-handoff-common';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import { useRef, useState } from 'react';
import { handoffApiRef } from '../../api';
import { StageChip } from '../StageChip';
import { HandoffErrorPanel } from '../HandoffErrorPanel';

const columns: TableColumn<ReadinessSummary>[] = [
  {
    title: 'Capability',
    field: 'title',
    render: row => (
      <>
        <EntityRefLink entityRef={row.entityRef} title={row.title} />
        {row.specReadError && (
          <Typography variant="caption" color="error" display="block">
            Spec not read lately: {row.specReadError}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Stage',
    field: 'stage',
    render: row => <StageChip stage={row.stage} />,
  },
  {
    title: 'Owner',
    field: 'owner',
    render: row =>
      row.owner ? <EntityRefLink entityRef={row.owner} /> : 'No owner',
  },
  {
    title: 'Next review',
    field: 'nextReviewAt',
    render: row =>
      row.nextReviewAt
        ? new Date(row.nextReviewAt).toLocaleDateString()
        : 'Not scheduled',
  },
];

/**
 * The table of every capability and where it stands, a page at a time from
 * the backend (the catalog may hold tens of thousands).
 */
export function CapabilitiesTable() {
  const api = useApi(handoffApiRef);
  // The catalog pages with cursors: remember the cursor of each page reached.
  const cursors = useRef<{ q: string; byPage: Record<number, string> }>({
    q: '',
    byPage: {},
  });
  const [error, setError] = useState<Error>();
  if (error) {
    return <HandoffErrorPanel error={error} />;
  }
  return (
    <Table<ReadinessSummary>
      title="Capabilities"
      columns={columns}
      data={async query => {
        const q = query.search.trim();
        if (q !== cursors.current.q) cursors.current = { q, byPage: {} };
        const page = cursors.current.byPage[query.page] ? query.page : 0;
        try {
          const result = await api.listCapabilities({
            limit: query.pageSize,
            cursor: cursors.current.byPage[page],
            q: q || undefined,
          });
          if (result.nextCursor) {
            cursors.current.byPage[page + 1] = result.nextCursor;
          }
          return {
            data: result.items,
            page,
            totalCount: result.totalItems,
          };
        } catch (e) {
          setError(e as Error);
          return { data: [], page: 0, totalCount: 0 };
        }
      }}
      options={{
        paging: true,
        pageSize: 20,
        search: true,
        debounceInterval: 300,
        emptyRowsWhenPaging: false,
        // Cursors go forward one page at a time: no jump to the last page.
        showFirstLastPageButtons: false,
      }}
      localization={{
        toolbar: { searchPlaceholder: 'Search by name or title' },
      }}
      emptyContent={
        <div style={{ padding: 16 }}>
          No capability carries a handoff annotation yet.
        </div>
      }
    />
  );
}

/**
 * The Handoff page: every capability in the catalog and where it stands.
 *
 * @public
 */
export function HandoffPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Handoff"
        subtitle="Capabilities on their way from pilot to operation"
      />
      <Content>
        <ContentHeader title="Readiness across the catalog" />
        <CapabilitiesTable />
      </Content>
    </Page>
  );
}
