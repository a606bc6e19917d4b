import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Decision,
  DECISION_TITLES,
  GateResult,
  ReadinessSummary,
  REVIEW_CADENCE_DAYS,
} from '@handoff/backstage-plugin-handoff-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { handoffApiRef } from '../../api';
import { GateChecklist } from './GateChecklist';
import { errorMessage } from '../errorMessage';

/**
 * Records a decision. Offers only the decisions the stage allows, shows what
 * the gate still lacks, and keeps what was typed when the server refuses.
 */
export function DecisionDialog(props: {
  open: boolean;
  readiness: ReadinessSummary;
  onClose: () => void;
  onDecided: () => void;
}) {
  const { readiness } = props;
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  // A review has its own dialog, with its readout.
  const gates = (readiness.gates ?? []).filter(g => g.decision !== 'review');
  const [decision, setDecision] = useState<Decision | ''>('');
  const [rationale, setRationale] = useState('');
  const [nextReviewAt, setNextReviewAt] = useState('');
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const gate: GateResult | undefined = gates.find(g => g.decision === decision);
  const unmet = Boolean(gate && !gate.met);
  const defaultDays =
    readiness.reviewWithinDays ??
    REVIEW_CADENCE_DAYS[readiness.riskTier ?? 'high'];

  const submit = async () => {
    if (!decision) return;
    setSaving(true);
    setError(undefined);
    try {
      await api.decide(getCompoundEntityRef(entity), {
        decision,
        rationale,
        expectedSequence: readiness.sequence ?? 0,
        specVersion: readiness.specVersion,
        ...(nextReviewAt && { nextReviewAt }),
      });
      setRationale('');
      setDecision('');
      props.onDecided();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby="handoff-decision-title"
    >
      <DialogTitle id="handoff-decision-title">Record a decision</DialogTitle>
      <DialogContent>
        {error && (
          <Alert severity="error" style={{ marginBottom: 16 }} role="alert">
            {error}
          </Alert>
        )}
        <TextField
          select
          fullWidth
          margin="normal"
          id="handoff-decision"
          label="Decision"
          value={decision}
          onChange={e => setDecision(e.target.value as Decision)}
          SelectProps={{ inputProps: { 'aria-label': 'Decision' } }}
        >
          {gates.map(g => (
            <MenuItem key={g.decision} value={g.decision}>
              {DECISION_TITLES[g.decision]}
              {g.met ? '' : ' (gate not met)'}
            </MenuItem>
          ))}
        </TextField>
        {gate && (
          <>
            <Typography variant="subtitle2">
              {gate.met ? 'The gate is met.' : 'The gate is not met yet:'}
            </Typography>
            <GateChecklist gate={gate} />
          </>
        )}
        <TextField
          fullWidth
          multiline
          minRows={3}
          margin="normal"
          id="handoff-rationale"
          label="Rationale"
          helperText="Why, in words the next reviewer will understand"
          value={rationale}
          onChange={e => setRationale(e.target.value)}
        />
        <TextField
          type="date"
          margin="normal"
          id="handoff-next-review"
          label="Next review"
          helperText={`Leave empty for the default: in ${defaultDays} days (${
            readiness.riskTier ?? 'unknown'
          } risk)`}
          InputLabelProps={{ shrink: true }}
          value={nextReviewAt}
          onChange={e => setNextReviewAt(e.target.value)}
        />
        {unmet && (
          <Alert severity="info">
            The decision waits until its gate is met. An exception may waive
            artifacts, owners and checks (never a person&apos;s approval or
            acceptance): request one for the requirement on the Readiness card,
            and another person grants it.
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!decision || !rationale.trim() || unmet || saving}
          onClick={submit}
        >
          Record decision
        </Button>
      </DialogActions>
    </Dialog>
  );
}
