import { Table, TableColumn } from '@backstage/core-components';
import {
  PortfolioOwnerRollup,
  STAGES,
  STAGE_TITLES,
} from '@handoff/backstage-plugin-handoff-common';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';

/** Per owner group: capabilities by stage, overdue reviews and gaps. */
export function OwnerRollup(props: {
  items: PortfolioOwnerRollup[];
  loading: boolean;
  onSelectOwner: (owner: string) => void;
}) {
  const columns: TableColumn<PortfolioOwnerRollup>[] = [
    {
      title: 'Owner',
      field: 'owner',
      render: row =>
        row.owner ? (
          <Link
            component="button"
            variant="body2"
            color={row.ownerResolves ? 'primary' : 'error'}
            title={`Show only ${row.owner}`}
            style={{ whiteSpace: 'nowrap', textAlign: 'left' }}
            onClick={() => props.onSelectOwner(row.owner!)}
          >
            {row.ownerTitle ?? row.owner}
            {row.ownerResolves ? '' : ' (not in the catalog)'}
          </Link>
        ) : (
          <Typography color="error">No owner</Typography>
        ),
    },
    { title: 'Entities', field: 'total', type: 'numeric' },
    {
      title: 'By stage',
      render: row =>
        STAGES.filter(s => row.byStage[s])
          .map(s => `${STAGE_TITLES[s]} ${row.byStage[s]}`)
          .join(' · '),
    },
    {
      title: 'Overdue reviews',
      type: 'numeric',
      render: row => row.gaps.overdue,
    },
    {
      title: 'Ownership gaps',
      type: 'numeric',
      render: row =>
        row.gaps['owner-unresolved'] + row.gaps['no-operating-owner'],
    },
    {
      title: 'Missing artifacts',
      type: 'numeric',
      render: row => row.gaps['missing-artifacts'],
    },
    { title: 'Invalid specs', field: 'invalidSpecs', type: 'numeric' },
    { title: 'Without spec', field: 'missingSpecs', type: 'numeric' },
  ];
  return (
    <Table<PortfolioOwnerRollup>
      title="By owner"
      isLoading={props.loading}
      columns={columns}
      data={props.items}
      options={{
        paging: props.items.length > 10,
        pageSize: 10,
        search: false,
        emptyRowsWhenPaging: false,
      }}
    />
  );
}
