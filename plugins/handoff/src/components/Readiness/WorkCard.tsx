import { InfoCard, Progress } from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  WORK_ITEM_STATUSES,
  WORK_ITEM_STATUS_TITLES,
  WorkItem,
  WorkItemSource,
  WorkItemStatus,
  isClosedWorkStatus,
} from '@handoff/backstage-plugin-handoff-common';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { handoffApiRef } from '../../api';
import { errorMessage } from '../errorMessage';
import { HandoffErrorPanel } from '../HandoffErrorPanel';
import { SafeLink } from '../SafeLink';

const SOURCE_TITLES: Record<WorkItemSource, string> = {
  'take-over': 'Hand-off',
  delivery: 'Delivery work',
  harden: 'Hardening',
  'next-change': 'Next change',
  breach: 'Breach',
};

type Filter = 'open' | 'closed' | 'all';

const useStyles = makeStyles(theme => ({
  filter: { minWidth: 180, marginBottom: theme.spacing(1) },
  pastDue: { color: theme.palette.error.main },
}));

function Ticket(props: { item: WorkItem; tracker?: string }) {
  const { ticket } = props.item;
  if (!ticket) {
    return props.tracker ? (
      <>Waiting to be filed in {props.tracker}</>
    ) : (
      <>Not filed (no tracker set up)</>
    );
  }
  if (ticket.url && ticket.state === 'delivered') {
    return (
      <>
        <SafeLink url={ticket.url}>{ticket.id ?? 'ticket'}</SafeLink>
        {ticket.assignee && (
          <Typography variant="caption" color="textSecondary" display="block">
            Assigned in {ticket.tracker} to {ticket.assignee}
          </Typography>
        )}
      </>
    );
  }
  const when = ticket.nextAttemptAt
    ? ` Next try ${new Date(ticket.nextAttemptAt).toLocaleString()}.`
    : '';
  return (
    <>
      {ticket.url && (
        <SafeLink url={ticket.url}>{ticket.id ?? 'ticket'}</SafeLink>
      )}{' '}
      {ticket.state === 'failed'
        ? `Not sent to ${ticket.tracker}: ${ticket.error}.${when}`
        : `Waiting to be sent to ${ticket.tracker}.`}
    </>
  );
}

/**
 * The work a capability's decisions and breaches created: who has it, by
 * when, where it stands, and its ticket in the team's tracker.
 */
export function WorkCard(props: { revision: number; onChange?: () => void }) {
  const classes = useStyles();
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  const alertApi = useApi(alertApiRef);
  const ref = getCompoundEntityRef(entity);
  const [filter, setFilter] = useState<Filter>('open');
  const [saved, setSaved] = useState(0);
  const [saving, setSaving] = useState<number>();
  const { value, loading, error } = useAsync(
    () => api.listWorkItems(ref),
    [api, ref.kind, ref.namespace, ref.name, props.revision, saved],
  );
  if (loading && !value) return <Progress />;
  if (error) return <HandoffErrorPanel error={error} />;
  const items = (value?.items ?? []).filter(i => {
    if (filter === 'all') return true;
    return filter === 'closed'
      ? isClosedWorkStatus(i.status)
      : !isClosedWorkStatus(i.status);
  });

  const change = async (item: WorkItem, status: WorkItemStatus) => {
    setSaving(item.id);
    try {
      await api.updateWorkItem(ref, item.id, {
        status,
        expectedRevision: item.revision,
      });
      alertApi.post({
        message: `"${item.title}" is now ${WORK_ITEM_STATUS_TITLES[
          status
        ].toLocaleLowerCase('en-US')}.`,
        severity: 'success',
        display: 'transient',
      });
      setSaved(s => s + 1);
      props.onChange?.();
    } catch (e) {
      alertApi.post({ message: errorMessage(e), severity: 'error' });
    } finally {
      setSaving(undefined);
    }
  };

  return (
    <InfoCard title="Work" subheader={value?.summary}>
      <FormControl className={classes.filter} size="small">
        <InputLabel id="handoff-work-filter">Show</InputLabel>
        <Select
          labelId="handoff-work-filter"
          value={filter}
          onChange={e => setFilter(e.target.value as Filter)}
        >
          <MenuItem value="open">Open and in progress</MenuItem>
          <MenuItem value="closed">Done and won't do</MenuItem>
          <MenuItem value="all">All</MenuItem>
        </Select>
      </FormControl>
      {items.length === 0 ? (
        <Typography variant="body2">
          {value?.items.length
            ? 'No work item with this status.'
            : 'No work yet. A hand-off, a decision to harden, a review and a failing drift or schema check each put their work here.'}
        </Typography>
      ) : (
        <Table size="small" aria-label="Work items">
          <TableHead>
            <TableRow>
              <TableCell>Work</TableCell>
              <TableCell>Assignee</TableCell>
              <TableCell>Due</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Ticket</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(item => {
              const pastDue =
                !isClosedWorkStatus(item.status) &&
                item.dueAt !== undefined &&
                Date.parse(item.dueAt) < Date.now();
              return (
                <TableRow key={item.id}>
                  <TableCell>
                    <Typography variant="body2">{item.title}</Typography>
                    <Typography variant="caption" color="textSecondary">
                      {SOURCE_TITLES[item.source]}
                      {item.specPaths.length
                        ? ` · ${item.specPaths.join(', ')}`
                        : ''}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    {item.assignee ? (
                      <EntityRefLink entityRef={item.assignee} />
                    ) : (
                      'Nobody'
                    )}
                  </TableCell>
                  <TableCell className={pastDue ? classes.pastDue : undefined}>
                    {item.dueAt
                      ? `${new Date(item.dueAt).toLocaleDateString()}${
                          pastDue ? ' (past due)' : ''
                        }`
                      : ''}
                  </TableCell>
                  <TableCell>
                    <Select
                      value={item.status}
                      disabled={saving === item.id}
                      inputProps={{ 'aria-label': `Status of ${item.title}` }}
                      onChange={e =>
                        change(item, e.target.value as WorkItemStatus)
                      }
                    >
                      {WORK_ITEM_STATUSES.map(s => (
                        <MenuItem key={s} value={s}>
                          {WORK_ITEM_STATUS_TITLES[s]}
                        </MenuItem>
                      ))}
                    </Select>
                    {item.statusNote && (
                      <Typography
                        variant="caption"
                        color="textSecondary"
                        display="block"
                      >
                        {item.statusNote}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>
                    <Ticket item={item} tracker={value?.tracker} />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
