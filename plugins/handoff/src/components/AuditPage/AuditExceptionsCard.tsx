import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EXCEPTION_STATUSES,
  EXCEPTION_STATUS_TITLES,
  ExceptionStatus,
} from '@handoff/backstage-plugin-handoff-common';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { handoffApiRef } from '../../api';
import { HandoffErrorPanel } from '../HandoffErrorPanel';
import { ExceptionsTable } from '../Readiness';

/**
 * Every capability's exceptions by status — pending, granted, denied,
 * revoked, expired — with who asked, who answered and when.
 */
export function AuditExceptionsCard() {
  const api = useApi(handoffApiRef);
  const [status, setStatus] = useState<ExceptionStatus | ''>('pending');
  const { value, loading, error } = useAsync(
    () => api.listAllExceptions(status ? { status } : {}),
    [api, status],
  );
  return (
    <InfoCard
      title="Exceptions"
      subheader="Requirements waived until a date, and requests waiting for someone to grant them"
    >
      <TextField
        select
        size="small"
        label="Status"
        value={status}
        onChange={e => setStatus(e.target.value as ExceptionStatus | '')}
        style={{ minWidth: 200, marginBottom: 8 }}
        SelectProps={{ inputProps: { 'aria-label': 'Exception status' } }}
      >
        <MenuItem value="">All</MenuItem>
        {EXCEPTION_STATUSES.map(s => (
          <MenuItem key={s} value={s}>
            {EXCEPTION_STATUS_TITLES[s]}
          </MenuItem>
        ))}
      </TextField>
      {error && <HandoffErrorPanel error={error} />}
      {loading && !value && <Progress />}
      {value &&
        (value.items.length ? (
          <ExceptionsTable items={value.items} capability />
        ) : (
          <Typography variant="body2">
            No exception{' '}
            {status
              ? `is ${EXCEPTION_STATUS_TITLES[status].toLocaleLowerCase(
                  'en-US',
                )}`
              : 'has been requested'}
            .
          </Typography>
        ))}
    </InfoCard>
  );
}
