import { StatusError, StatusOK } from '@backstage/core-components';
import { GateResult } from '@handoff/backstage-plugin-handoff-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';

/** Each requirement of a gate, met or not, with its reason. */
export function GateChecklist(props: { gate: GateResult }) {
  const { requirements } = props.gate;
  if (requirements.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No gate: this decision is always open, with a rationale.
      </Typography>
    );
  }
  return (
    <List dense aria-label={`Gate for ${props.gate.decision}`}>
      {requirements.map(r => (
        <ListItem key={r.id} disableGutters>
          <ListItemText
            primary={
              r.met ? (
                <StatusOK>{r.description}</StatusOK>
              ) : (
                <StatusError>{r.description}</StatusError>
              )
            }
            secondary={r.reason}
          />
        </ListItem>
      ))}
    </List>
  );
}
