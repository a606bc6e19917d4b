import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  EXCEPTION_JUSTIFICATION_MIN_LENGTH,
  GateRequirement,
  ReadinessSummary,
} from '@handoff/backstage-plugin-handoff-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { handoffApiRef } from '../../api';
import { errorMessage } from '../errorMessage';

/** Who may grant, in words. */
export const grantorsText = (grantors?: string[]) =>
  grantors?.length
    ? `a member of ${grantors.join(' or ')}`
    : 'someone allowed to grant exceptions';

/**
 * Asks for an exception to one unmet requirement: why, and until when (at
 * most one review cadence). It waives nothing until another person grants it.
 */
export function ExceptionRequestDialog(props: {
  requirement: GateRequirement;
  readiness: ReadinessSummary;
  onClose: () => void;
  onRequested: () => void;
}) {
  const { requirement, readiness } = props;
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  const [justification, setJustification] = useState('');
  const [until, setUntil] = useState('');
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const days = readiness.reviewWithinDays;

  const submit = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await api.requestException(getCompoundEntityRef(entity), {
        requirement: requirement.id,
        justification,
        ...(until && { until }),
      });
      props.onRequested();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      open
      onClose={props.onClose}
      fullWidth
      maxWidth="sm"
      aria-labelledby="handoff-exception-title"
    >
      <DialogTitle id="handoff-exception-title">
        Request an exception
      </DialogTitle>
      <DialogContent>
        {error && (
          <Alert severity="error" role="alert" style={{ marginBottom: 16 }}>
            {error}
          </Alert>
        )}
        <Typography variant="subtitle2">{requirement.description}</Typography>
        <Typography variant="body2" color="textSecondary" paragraph>
          {requirement.reason}
        </Typography>
        <Typography variant="body2" paragraph>
          The exception waives this requirement only once{' '}
          {grantorsText(readiness.exceptionGrantors)} grants it, and never for a
          decision they record themselves.
        </Typography>
        <TextField
          fullWidth
          multiline
          minRows={3}
          margin="normal"
          id="handoff-exception-justification"
          label="Why the requirement can wait"
          helperText={`At least ${EXCEPTION_JUSTIFICATION_MIN_LENGTH} characters, for the person who grants it and the next reviewer`}
          value={justification}
          onChange={e => setJustification(e.target.value)}
        />
        <TextField
          type="date"
          margin="normal"
          id="handoff-exception-until"
          label="Until"
          helperText={`The last day it stands. Leave empty for the longest: ${
            days ? `${days} days` : 'one review cadence'
          }`}
          InputLabelProps={{ shrink: true }}
          value={until}
          onChange={e => setUntil(e.target.value)}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={
            saving ||
            justification.trim().length < EXCEPTION_JUSTIFICATION_MIN_LENGTH
          }
          onClick={submit}
        >
          Request exception
        </Button>
      </DialogActions>
    </Dialog>
  );
}
