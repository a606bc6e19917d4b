import {
  InfoCard,
  Progress,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_HANDOFF_SPEC,
  DECISION_TITLES,
  ReadinessSummary,
  daysBetween,
  summarizeWork,
} from '@handoff/backstage-plugin-handoff-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useReadiness } from '../../hooks/useReadiness';
import { StageChip } from '../StageChip';
import { HandoffErrorPanel } from '../HandoffErrorPanel';

const useStyles = makeStyles(theme => ({
  overdue: {
    color: theme.palette.error.main,
    fontWeight: theme.typography.fontWeightBold as number,
  },
  alert: { marginTop: theme.spacing(1) },
}));

/** The gate of the decision that moves the capability forward, as "n of m". */
function nextGate(value: ReadinessSummary) {
  const forward = ['operate', 'hand-off', 'start-review', 'start-pilot'];
  const gate = forward
    .map(d => value.gates?.find(g => g.decision === d))
    .find(Boolean);
  if (!gate || gate.requirements.length === 0) return undefined;
  return `${DECISION_TITLES[gate.decision]}: ${
    gate.requirements.filter(r => r.met).length
  } of ${gate.requirements.length} requirements met`;
}

function NextReview(props: { value: ReadinessSummary }) {
  const classes = useStyles();
  const { nextReviewAt } = props.value;
  if (!nextReviewAt) return <>Not scheduled yet</>;
  const date = new Date(nextReviewAt);
  const late = daysBetween(date, new Date());
  if (late > 0) {
    return (
      <span className={classes.overdue}>
        {date.toLocaleDateString()} (overdue by {late} day
        {late === 1 ? '' : 's'})
      </span>
    );
  }
  return <>{date.toLocaleDateString()}</>;
}

const refOrText = (ref: string | undefined, missing: string) =>
  ref ? <EntityRefLink entityRef={ref} /> : missing;

/**
 * Where the entity on the page stands in its handoff: stage, owners, next
 * review and what the next gate still lacks.
 *
 * @public
 */
export function HandoffCard(props: { revision?: number }) {
  const classes = useStyles();
  const { value, loading, error } = useReadiness(props.revision);

  let content;
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = <HandoffErrorPanel error={error} />;
  } else if (value) {
    const gate = nextGate(value);
    content = (
      <>
        <StructuredMetadataTable
          metadata={{
            Stage: <StageChip stage={value.stage} />,
            'In stage since': value.stageSince
              ? new Date(value.stageSince).toLocaleDateString()
              : 'Registration',
            'Catalog owner': refOrText(value.owner, 'No owner'),
            'Operating owner': refOrText(value.operatingOwner, 'Not named yet'),
            'Support path': refOrText(value.supportPath, 'Not named yet'),
            ...(value.lastReview && {
              'Last review': (
                <>
                  {new Date(value.lastReview.at).toLocaleDateString()} by{' '}
                  <EntityRefLink entityRef={value.lastReview.by} />
                </>
              ),
            }),
            'Next review': <NextReview value={value} />,
            ...(gate && { 'Next gate': gate }),
            ...(value.work?.total && { Work: summarizeWork(value.work) }),
            'Handoff spec': value.specLocation
              ? `${value.specLocation}${
                  value.specValid === false ? ' (invalid)' : ''
                }`
              : 'None',
          }}
        />
        {value.transfer?.status === 'pending' && (
          <Alert severity="warning" className={classes.alert}>
            Hand-off to {value.transfer.toOwner} is not accepted yet.
          </Alert>
        )}
        {(value.reviewRequired ?? []).length > 0 && (
          <Alert severity="error" className={classes.alert}>
            Review required: {value.reviewRequired!.join(', ')} failed. Gated
            decisions wait for a passing result or a recorded review.
          </Alert>
        )}
        {(value.failingChecks ?? []).length > 0 && (
          <Alert severity="warning" className={classes.alert}>
            Failing checks: {value.failingChecks!.join(', ')}
          </Alert>
        )}
        {!value.specLocation && (
          <Typography variant="body2" color="textSecondary">
            Add a handoff.yaml next to catalog-info.yaml and point the{' '}
            <code>{ANNOTATION_HANDOFF_SPEC}</code> annotation at it.
          </Typography>
        )}
      </>
    );
  }
  return <InfoCard title="Handoff">{content}</InfoCard>;
}
