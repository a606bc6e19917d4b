import {
  InfoCard,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  ReviewCycle,
  SPEC_ARTIFACT_TITLES,
} from '@handoff/backstage-plugin-handoff-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { handoffApiRef } from '../../api';
import { SafeLink } from '../SafeLink';
import { HandoffErrorPanel } from '../HandoffErrorPanel';

const date = (iso?: string) => (iso ? new Date(iso).toLocaleDateString() : '');

function Usage(props: { usage: ReviewCycle['readout']['usage'] }) {
  const { usage } = props;
  return 'link' in usage ? (
    <SafeLink url={usage.link}>Usage figures</SafeLink>
  ) : (
    <>
      {usage.value} {usage.unit} {usage.period}
    </>
  );
}

function SpecChanges(props: { cycle: ReviewCycle }) {
  const { cycle } = props;
  if (!cycle.sinceSpecVersion) return <>First cycle</>;
  if (cycle.changes.length === 0) {
    return <>No change (version {cycle.specVersion})</>;
  }
  return (
    <>
      Version {cycle.sinceSpecVersion} → {cycle.specVersion}:{' '}
      {cycle.changes
        .map(c => `${SPEC_ARTIFACT_TITLES[c.artifact]} ${c.change}`)
        .join(', ')}
    </>
  );
}

const columns: TableColumn<ReviewCycle>[] = [
  { title: 'Reviewed', render: c => date(c.reviewedAt) },
  { title: 'By', render: c => <EntityRefLink entityRef={c.reviewedBy} /> },
  { title: 'Usage', render: c => <Usage usage={c.readout.usage} /> },
  { title: 'Friction', render: c => c.readout.friction },
  { title: 'Incidents', render: c => c.readout.incidents },
  { title: 'Next cycle changes', render: c => c.readout.nextChange },
  {
    title: 'Spec since the cycle before',
    render: c => <SpecChanges cycle={c} />,
  },
  { title: 'Next review', render: c => date(c.nextReviewAt) },
];

/**
 * The capability's review cycles after hand-off, newest first: each review's
 * readout and what changed in the spec since the cycle before (the previous
 * version being the requirements for the next).
 */
export function CyclesCard(props: { revision: number }) {
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  const ref = getCompoundEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.listCycles(ref),
    [api, ref.kind, ref.namespace, ref.name, props.revision],
  );
  if (loading && !value) return <Progress />;
  if (error) return <HandoffErrorPanel error={error} />;
  const items = value?.items ?? [];
  if (items.length === 0) {
    return (
      <InfoCard title="Review cycles">
        <Typography variant="body2">
          No review recorded yet. After hand-off, the owner records a review
          each cycle: usage, friction, incidents and what the next cycle
          changes.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <Table<ReviewCycle>
      title="Review cycles"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={items}
    />
  );
}
