import {
  InfoCard,
  Progress,
  StatusError,
  StatusOK,
} from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { handoffApiRef } from '../../api';
import { SafeLink } from '../SafeLink';
import { HandoffErrorPanel } from '../HandoffErrorPanel';

/** Who posted a result, as a person reads it: a CI credential by its name. */
const reportedBy = (reporter: string) =>
  reporter.startsWith('credential:')
    ? `CI credential “${reporter.slice('credential:'.length)}”`
    : reporter;

/** Check results posted by CI and data pipelines, newest first. */
export function ChecksCard(props: { revision: number }) {
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  const ref = getCompoundEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.listChecks(ref),
    [api, ref.kind, ref.namespace, ref.name, props.revision],
  );
  if (loading && !value) return <Progress />;
  if (error) return <HandoffErrorPanel error={error} />;
  const history = value?.history ?? [];
  return (
    <InfoCard title="Checks" subheader="Posted by CI and data pipelines">
      {history.length === 0 ? (
        <Typography variant="body2">
          No check result yet. Test runs and data pipelines post their results
          here once the team connects them (see Checks in Handoff's README).
        </Typography>
      ) : (
        <Table size="small" aria-label="Check results">
          <TableHead>
            <TableRow>
              <TableCell>Check</TableCell>
              <TableCell>Result</TableCell>
              <TableCell>Value</TableCell>
              <TableCell>Details</TableCell>
              <TableCell>When, by whom</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {history.map(c => (
              <TableRow key={c.id}>
                <TableCell style={{ minWidth: 140 }}>
                  {c.name} ({c.kind}
                  {c.manual ? ', manual' : ''})
                </TableCell>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {c.status === 'pass' ? (
                    <StatusOK>pass</StatusOK>
                  ) : (
                    <StatusError>fail</StatusError>
                  )}
                </TableCell>
                <TableCell>{c.value ?? ''}</TableCell>
                <TableCell>
                  {c.details}
                  {c.link && (
                    <>
                      {' '}
                      <SafeLink url={c.link}>details</SafeLink>
                    </>
                  )}
                </TableCell>
                <TableCell style={{ minWidth: 150 }}>
                  {new Date(c.createdAt).toLocaleString()}
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    display="block"
                  >
                    {reportedBy(c.reporter)}
                  </Typography>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
