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

/** Where the capability is on its way from proposal to operation. */
export function StageStepper(props: { stage: Stage }) {
  const ended = props.stage === 'reframed' || props.stage === 'stopped';
  const active = PATH.indexOf(props.stage);
  return (
    <>
      <Stepper
        activeStep={ended ? -1 : active}
        alternativeLabel
        aria-label="Readiness stages"
      >
        {PATH.map(stage => (
          <Step key={stage} completed={!ended && PATH.indexOf(stage) < active}>
            <StepLabel>{STAGE_TITLES[stage]}</StepLabel>
          </Step>
        ))}
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
