import Chip from '@material-ui/core/Chip';
import { Stage, STAGE_TITLES } from '@handoff/backstage-plugin-handoff-common';

/** A stage shown as a small labelled chip. */
export function StageChip(props: { stage: Stage }) {
  const done = props.stage === 'operating' || props.stage === 'handed-off';
  const ended = props.stage === 'stopped' || props.stage === 'reframed';
  return (
    <Chip
      size="small"
      label={STAGE_TITLES[props.stage]}
      color={done ? 'primary' : 'default'}
      variant={ended ? 'outlined' : 'default'}
      data-testid="handoff-stage"
    />
  );
}
