import {
  Content,
  ContentHeader,
  Header,
  Page,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ReadinessSummary } from '@handoff/backstage-plugin-handoff-common';
import { useCapabilities } from '../../hooks/useReadiness';
import { StageChip } from '../StageChip';

const columns: TableColumn<ReadinessSummary>[] = [
  {
    title: 'Capability',
    field: 'title',
    render: row => (
      <EntityRefLink entityRef={row.entityRef} title={row.title} />
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

/** The table of every capability and where it stands. */
export function CapabilitiesTable() {
  const { value, loading, error } = useCapabilities();
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return (
    <Table<ReadinessSummary>
      title="Capabilities"
      isLoading={loading}
      columns={columns}
      data={value?.items ?? []}
      options={{
        paging: true,
        pageSize: 20,
        search: true,
        emptyRowsWhenPaging: false,
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
