import { CopyTextButton, InfoCard, Progress } from '@backstage/core-components';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CHECK_CREDENTIAL_MAX_DAYS,
  CheckCredential,
  CreatedCheckCredential,
  handoffCredentialManagePermission,
} from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { handoffApiRef } from '../../api';
import { errorMessage } from '../errorMessage';
import { HandoffErrorPanel } from '../HandoffErrorPanel';

const STATUS_TITLES: Record<CheckCredential['status'], string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
};

const day = (iso?: string) => (iso ? new Date(iso).toLocaleDateString() : '');

/**
 * The capability's check credentials, for whoever may manage them: tokens its
 * CI posts check results with, for this capability only. A new token is
 * shown once; only its hash is kept.
 */
export function CredentialsCard(props: { revision: number }) {
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  const alertApi = useApi(alertApiRef);
  const ref = getCompoundEntityRef(entity);
  const manage = usePermission({
    permission: handoffCredentialManagePermission,
    resourceRef: stringifyEntityRef(entity),
  });
  const [changed, setChanged] = useState(0);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<CreatedCheckCredential>();
  const {
    value,
    loading,
    error: loadError,
  } = useAsync(
    async () => (manage.allowed ? api.listCredentials(ref) : undefined),
    [
      api,
      manage.allowed,
      ref.kind,
      ref.namespace,
      ref.name,
      props.revision,
      changed,
    ],
  );
  if (!manage.allowed) return null;
  if (loading && !value) return <Progress />;
  if (loadError) return <HandoffErrorPanel error={loadError} />;

  const create = async () => {
    setError(undefined);
    try {
      const made = await api.createCredential(ref, {
        name,
        expiresInDays: Number(days),
      });
      setCreated(made);
      setCreating(false);
      setName('');
      setChanged(c => c + 1);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const revoke = async (credential: CheckCredential) => {
    try {
      await api.revokeCredential(ref, credential.id);
      alertApi.post({
        message: `"${credential.name}" can no longer post check results.`,
        severity: 'success',
        display: 'transient',
      });
      setChanged(c => c + 1);
    } catch (e) {
      alertApi.post({ message: errorMessage(e), severity: 'error' });
    }
  };

  const items = value?.items ?? [];
  return (
    <InfoCard
      title="CI credentials"
      subheader="Tokens that post check results for this capability, and nothing else"
    >
      {created && (
        <Alert severity="success" style={{ marginBottom: 16 }}>
          <Typography variant="body2" paragraph>
            The token of “{created.name}”, shown this once: store it as a secret
            of the pipeline. It posts check results with{' '}
            <code>
              POST /api/handoff/ci/checks/{ref.kind}/{ref.namespace}/{ref.name}
            </code>{' '}
            and the header <code>Authorization: Bearer …</code>.
          </Typography>
          <Box display="flex" alignItems="center">
            <code aria-label="New token">{created.token}</code>
            <CopyTextButton text={created.token} />
          </Box>
        </Alert>
      )}
      {items.length === 0 ? (
        <Typography variant="body2">
          No CI credential yet. Create one for each pipeline that reports
          checks, instead of sharing a token that reaches every capability.
        </Typography>
      ) : (
        <Table size="small" aria-label="CI credentials">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Created by</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell>Last used</TableCell>
              <TableCell>Status</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(c => (
              <TableRow key={c.id}>
                <TableCell>
                  {c.name}
                  <Typography
                    variant="caption"
                    display="block"
                    color="textSecondary"
                  >
                    {c.prefix}…
                  </Typography>
                </TableCell>
                <TableCell>
                  <EntityRefLink entityRef={c.createdBy} defaultKind="user" />
                  <Typography
                    variant="caption"
                    display="block"
                    color="textSecondary"
                  >
                    {day(c.createdAt)}
                  </Typography>
                </TableCell>
                <TableCell>{day(c.expiresAt)}</TableCell>
                <TableCell>
                  {c.lastUsedAt ? day(c.lastUsedAt) : 'Never'}
                </TableCell>
                <TableCell>{STATUS_TITLES[c.status]}</TableCell>
                <TableCell>
                  {c.status === 'active' && (
                    <Button size="small" onClick={() => revoke(c)}>
                      Revoke
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Box mt={2}>
        <Button
          variant="outlined"
          color="primary"
          onClick={() => setCreating(true)}
        >
          New CI credential
        </Button>
      </Box>
      {creating && (
        <Dialog
          open
          onClose={() => setCreating(false)}
          fullWidth
          maxWidth="sm"
          aria-labelledby="handoff-credential-title"
        >
          <DialogTitle id="handoff-credential-title">
            New CI credential
          </DialogTitle>
          <DialogContent>
            {error && (
              <Alert severity="error" role="alert" style={{ marginBottom: 16 }}>
                {error}
              </Alert>
            )}
            <TextField
              fullWidth
              margin="normal"
              id="handoff-credential-name"
              label="What uses it"
              helperText="e.g. the nightly drift job"
              value={name}
              onChange={e => setName(e.target.value)}
            />
            <TextField
              type="number"
              margin="normal"
              id="handoff-credential-days"
              label="Days until it expires"
              helperText={`1 to ${CHECK_CREDENTIAL_MAX_DAYS}`}
              value={days}
              onChange={e => setDays(e.target.value)}
            />
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setCreating(false)}>Cancel</Button>
            <Button
              color="primary"
              variant="contained"
              disabled={!name.trim()}
              onClick={create}
            >
              Create
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </InfoCard>
  );
}
