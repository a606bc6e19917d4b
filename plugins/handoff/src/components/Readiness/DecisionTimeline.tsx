import { InfoCard, Progress } from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  DECISION_TITLES,
  Decision,
  STAGE_TITLES,
} from '@handoff/backstage-plugin-handoff-common';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { handoffApiRef } from '../../api';
import { HandoffErrorPanel } from '../HandoffErrorPanel';
import { StageDurations } from './StageDurations';

/** Every recorded decision, newest first: who, when, what, why, and exceptions. */
export function DecisionTimeline(props: { revision: number }) {
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  const ref = getCompoundEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.listDecisions(ref),
    [api, ref.kind, ref.namespace, ref.name, props.revision],
  );
  if (loading && !value) return <Progress />;
  if (error) return <HandoffErrorPanel error={error} />;
  const items = [...(value?.items ?? [])].reverse();
  return (
    <InfoCard title="Decisions">
      <StageDurations decisions={value?.items ?? []} />
      {items.length === 0 ? (
        <Typography variant="body2">No decision recorded yet.</Typography>
      ) : (
        <List aria-label="Decision timeline">
          {items.map(d => (
            <ListItem key={d.sequence} divider alignItems="flex-start">
              <ListItemText
                primary={
                  <>
                    <strong>
                      {DECISION_TITLES[d.decision as Decision] ?? d.decision}
                    </strong>
                    {d.fromStage &&
                      d.fromStage !== d.toStage &&
                      ` (${STAGE_TITLES[d.fromStage]} → ${
                        STAGE_TITLES[d.toStage]
                      })`}
                    {d.exception && (
                      <Chip
                        size="small"
                        color="secondary"
                        label="Exception"
                        style={{ marginLeft: 8 }}
                      />
                    )}
                  </>
                }
                secondary={
                  <>
                    <EntityRefLink entityRef={d.actor} /> on{' '}
                    {new Date(d.createdAt).toLocaleString()}: {d.rationale}
                    {d.exception && (
                      <> — exception: {d.exception.justification}</>
                    )}
                    {d.readout && <> — next cycle: {d.readout.nextChange}</>}
                    {d.specVersion !== undefined &&
                      ` (spec version ${d.specVersion})`}
                    {d.gate?.policy &&
                      `; gate judged by policy ${d.gate.policy.hash}`}
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}
