import {
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import {
  GateRequirement,
  GateResult,
} from '@handoff/backstage-plugin-handoff-common';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';

/** A gate longer than this opens with what is unmet and folds what is met. */
const FOLD_ABOVE = 5;

function Status(props: { requirement: GateRequirement }) {
  const r = props.requirement;
  if (r.met) return <StatusOK>{r.description}</StatusOK>;
  if (r.exception?.status === 'pending') {
    return <StatusPending>{r.description}</StatusPending>;
  }
  return <StatusError>{r.description}</StatusError>;
}

/**
 * Each requirement of a gate, unmet first, with its reason; a long gate
 * folds what is met. With `onRequestException`, an unmet requirement an
 * exception may waive offers to request one.
 */
export function GateChecklist(props: {
  gate: GateResult;
  onRequestException?: (requirement: GateRequirement) => void;
}) {
  const { requirements } = props.gate;
  const [showMet, setShowMet] = useState(false);
  if (requirements.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No gate: this decision is always open, with a rationale.
      </Typography>
    );
  }
  const { onRequestException } = props;
  const unmet = requirements.filter(r => !r.met);
  const met = requirements.filter(r => r.met);
  const fold = requirements.length > FOLD_ABOVE && unmet.length > 0;
  const shown = fold && !showMet ? unmet : [...unmet, ...met];
  return (
    <>
      <List dense aria-label={`Gate for ${props.gate.decision}`}>
        {shown.map(r => {
          const requestable =
            onRequestException &&
            !r.met &&
            r.waivable !== false &&
            !r.exception;
          return (
            <ListItem key={r.id} disableGutters>
              <ListItemText
                primary={<Status requirement={r} />}
                secondary={r.reason}
                style={requestable ? { paddingRight: 180 } : undefined}
              />
              {requestable && (
                <ListItemSecondaryAction>
                  <Button size="small" onClick={() => onRequestException!(r)}>
                    Request an exception
                  </Button>
                </ListItemSecondaryAction>
              )}
            </ListItem>
          );
        })}
      </List>
      {fold && (
        <Button size="small" onClick={() => setShowMet(s => !s)}>
          {showMet
            ? `Hide the ${met.length} met`
            : `Show the ${met.length} met`}
        </Button>
      )}
    </>
  );
}
