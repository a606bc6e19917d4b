import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  EXCEPTION_STATUS_TITLES,
  HandoffException,
} from '@handoff/backstage-plugin-handoff-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';

const day = (iso?: string) => (iso ? new Date(iso).toLocaleDateString() : '');

function Person(props: { entityRef?: string; at?: string; note?: string }) {
  if (!props.entityRef) return null;
  return (
    <>
      <EntityRefLink entityRef={props.entityRef} defaultKind="user" />
      <Typography variant="caption" color="textSecondary" display="block">
        {day(props.at)}
        {props.note ? ` · ${props.note}` : ''}
      </Typography>
    </>
  );
}

/**
 * Exception requests as a table: what is waived, why, until when, where it
 * stands, who asked and who answered or revoked it. `capability` adds the
 * capability's column (the audit's list); `actions` adds buttons per row.
 */
export function ExceptionsTable(props: {
  items: HandoffException[];
  capability?: boolean;
  actions?: (exception: HandoffException) => ReactNode;
}) {
  const { items, actions } = props;
  return (
    <Table size="small" aria-label="Exceptions">
      <TableHead>
        <TableRow>
          {props.capability && <TableCell>Capability</TableCell>}
          <TableCell>Requirement waived</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Until</TableCell>
          <TableCell>Requested by</TableCell>
          <TableCell>Answered by</TableCell>
          {actions && <TableCell />}
        </TableRow>
      </TableHead>
      <TableBody>
        {items.map(e => (
          <TableRow key={e.id}>
            {props.capability && (
              <TableCell>
                <EntityRefLink entityRef={e.entityRef} />
              </TableCell>
            )}
            <TableCell>
              <Typography variant="body2">
                {e.requirementDescription}
              </Typography>
              <Typography variant="caption" color="textSecondary">
                {e.justification}
              </Typography>
            </TableCell>
            <TableCell>
              {EXCEPTION_STATUS_TITLES[e.status]}
              {e.revokedBy && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  display="block"
                >
                  by{' '}
                  <EntityRefLink entityRef={e.revokedBy} defaultKind="user" />{' '}
                  on {day(e.revokedAt)}
                  {e.revokeNote ? `: ${e.revokeNote}` : ''}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              {new Date(`${e.until}T00:00:00Z`).toLocaleDateString(undefined, {
                timeZone: 'UTC',
              })}
            </TableCell>
            <TableCell>
              <Person entityRef={e.requestedBy} at={e.requestedAt} />
            </TableCell>
            <TableCell>
              <Person
                entityRef={e.answeredBy}
                at={e.answeredAt}
                note={e.answerNote}
              />
            </TableCell>
            {actions && <TableCell>{actions(e)}</TableCell>}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
