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
  KpiHistory,
  ReviewCycle,
  SPEC_ARTIFACT_TITLES,
} from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
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
    <>
      <Table<ReviewCycle>
        title="Review cycles"
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={items}
      />
      {(value?.kpis ?? []).length > 0 && (
        <Box mt={3}>
          <InfoCard
            title="Success criteria after hand-off"
            subheader="Each criterion's target against what every review cycle measured"
          >
            {value!.kpis!.map(k => (
              <KpiRow key={k.metric} kpi={k} />
            ))}
          </InfoCard>
        </Box>
      )}
    </>
  );
}

/** One criterion: its target, each cycle's reading, a flag when missed twice. */
function KpiRow(props: { kpi: KpiHistory }) {
  const { kpi } = props;
  const theme = useTheme();
  const numeric =
    typeof kpi.target === 'number' &&
    kpi.points.every(p => typeof p.measured === 'number');
  return (
    <Box mb={2} role="group" aria-label={kpi.metric}>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Typography variant="subtitle2" component="h4">
          {kpi.metric}
          {kpi.target !== undefined &&
            ` — target ${kpi.target}${kpi.unit ? ` ${kpi.unit}` : ''}`}
        </Typography>
        {kpi.missedTwice && (
          <Chip
            size="small"
            color="secondary"
            label="Missed in the last two cycles"
          />
        )}
      </Box>
      <Typography variant="body2">
        {kpi.points
          .map(
            p =>
              `${date(p.reviewedAt)}: ${p.measured} (${
                p.met ? 'met' : 'missed'
              })`,
          )
          .join(' · ')}
      </Typography>
      {numeric && kpi.points.length > 1 && (
        <Box height={120} aria-hidden>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart
              data={kpi.points.map(p => ({
                cycle: date(p.reviewedAt),
                Measured: p.measured,
              }))}
              margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
            >
              <XAxis dataKey="cycle" />
              <YAxis />
              <Tooltip />
              <ReferenceLine
                y={kpi.target as number}
                stroke={theme.palette.text.secondary}
                strokeDasharray="4 4"
                label="Target"
              />
              <Line
                dataKey="Measured"
                stroke={theme.palette.primary.main}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </Box>
      )}
    </Box>
  );
}
