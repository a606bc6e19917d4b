import { Stage, STAGE_TITLES } from '@handoff/backstage-plugin-handoff-common';
import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';

const PATH: Stage[] = [
  'proposed',
  'pilot',
  'readiness-review',
  'hardening',
  'handed-off',
  'operating',
];

/**
 * Where the capability is on its way from proposal to operation. With
 * `visited` (the stages its recorded decisions went through), a stage it
 * passed by — hardening, when a review handed it off at once — is shown
 * skipped, not done; stages before its first decision count as done.
 */
export function StageStepper(props: { stage: Stage; visited?: Stage[] }) {
  const ended = props.stage === 'reframed' || props.stage === 'stopped';
  const active = PATH.indexOf(props.stage);
  const visited = props.visited ?? [];
  const first = Math.min(
    ...visited.map(s => PATH.indexOf(s)).filter(i => i >= 0),
  );
  const skipped = (stage: Stage) =>
    PATH.indexOf(stage) > first && !visited.includes(stage);
  return (
    <>
      <Stepper
        activeStep={ended ? -1 : active}
        alternativeLabel
        aria-label="Readiness stages"
      >
        {PATH.map(stage => {
          const passed = !ended && PATH.indexOf(stage) < active;
          return (
            <Step key={stage} completed={passed && !skipped(stage)}>
              <StepLabel
                optional={
                  passed && skipped(stage) ? (
                    <Typography variant="caption">Skipped</Typography>
                  ) : undefined
                }
              >
                {STAGE_TITLES[stage]}
              </StepLabel>
            </Step>
          );
        })}
      </Stepper>
      {ended && (
        <Typography variant="body2" color="textSecondary" align="center">
          This capability was{' '}
          {STAGE_TITLES[props.stage].toLocaleLowerCase('en-US')}.
        </Typography>
      )}
    </>
  );
}
