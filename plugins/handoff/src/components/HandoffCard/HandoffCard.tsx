import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { ANNOTATION_HANDOFF_SPEC } from '@handoff/backstage-plugin-handoff-common';
import { useReadiness } from '../../hooks/useReadiness';
import { StageChip } from '../StageChip';

/**
 * Where the entity on the page stands in its handoff: stage, owner, spec and next review.
 *
 * @public
 */
export function HandoffCard() {
  const { value, loading, error } = useReadiness();

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (value) {
    content = (
      <>
        <StructuredMetadataTable
          metadata={{
            Stage: <StageChip stage={value.stage} />,
            'In stage since': value.stageSince
              ? new Date(value.stageSince).toLocaleDateString()
              : 'Registration',
            Owner: value.owner ? (
              <EntityRefLink entityRef={value.owner} />
            ) : (
              'No owner'
            ),
            'Next review': value.nextReviewAt
              ? new Date(value.nextReviewAt).toLocaleDateString()
              : 'Not scheduled yet',
            'Handoff spec': value.specLocation ?? 'None',
          }}
        />
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
