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

function Status(props: { requirement: GateRequirement }) {
  const r = props.requirement;
  if (r.met) return <StatusOK>{r.description}</StatusOK>;
  if (r.exception?.status === 'pending') {
    return <StatusPending>{r.description}</StatusPending>;
  }
  return <StatusError>{r.description}</StatusError>;
}

/**
 * Each requirement of a gate, met or not, with its reason; with
 * `onRequestException`, an unmet requirement an exception may waive offers
 * to request one.
 */
export function GateChecklist(props: {
  gate: GateResult;
  onRequestException?: (requirement: GateRequirement) => void;
}) {
  const { requirements } = props.gate;
  if (requirements.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No gate: this decision is always open, with a rationale.
      </Typography>
    );
  }
  const { onRequestException } = props;
  return (
    <List dense aria-label={`Gate for ${props.gate.decision}`}>
      {requirements.map(r => {
        const requestable =
          onRequestException && !r.met && r.waivable !== false && !r.exception;
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
  );
}
