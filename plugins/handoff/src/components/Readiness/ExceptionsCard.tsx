import { InfoCard, Progress } from '@backstage/core-components';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  alertApiRef,
  identityApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  HandoffException,
  handoffExceptionApprovePermission,
  normalizeOwnerRef,
} from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { handoffApiRef } from '../../api';
import { errorMessage } from '../errorMessage';
import { HandoffErrorPanel } from '../HandoffErrorPanel';
import { ExceptionsTable } from './ExceptionsTable';

type Action = 'grant' | 'deny' | 'revoke';

const ACTION_TITLES: Record<Action, string> = {
  grant: 'Grant the exception',
  deny: 'Deny the exception',
  revoke: 'Revoke the exception',
};

/**
 * The capability's exception requests: granted ones waive a requirement
 * until their date, pending ones wait for another person. Whoever may grant
 * sees Grant and Deny on others' requests; the requester and granters may
 * revoke.
 */
export function ExceptionsCard(props: {
  revision: number;
  onChange?: () => void;
}) {
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  const alertApi = useApi(alertApiRef);
  const identityApi = useApi(identityApiRef);
  const ref = getCompoundEntityRef(entity);
  const canGrant = usePermission({
    permission: handoffExceptionApprovePermission,
    resourceRef: stringifyEntityRef(entity),
  });
  const [acting, setActing] = useState<{
    exception: HandoffException;
    action: Action;
  }>();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const {
    value,
    loading,
    error: loadError,
  } = useAsync(
    () => api.listExceptions(ref),
    [api, ref.kind, ref.namespace, ref.name, props.revision],
  );
  if (loading && !value) return <Progress />;
  if (loadError) return <HandoffErrorPanel error={loadError} />;
  const me = identity.value?.userEntityRef;
  const mine = (e: HandoffException) =>
    Boolean(me) && normalizeOwnerRef(e.requestedBy) === normalizeOwnerRef(me!);

  const open = (exception: HandoffException, action: Action) => {
    setNote('');
    setError(undefined);
    setActing({ exception, action });
  };

  const submit = async () => {
    if (!acting) return;
    setSaving(true);
    setError(undefined);
    try {
      const { exception, action } = acting;
      if (action === 'revoke') {
        await api.revokeException(ref, exception.id, note);
      } else {
        await api.answerException(ref, exception.id, { answer: action, note });
      }
      alertApi.post({
        message: `Exception ${
          { grant: 'granted', deny: 'denied', revoke: 'revoked' }[action]
        }.`,
        severity: 'success',
        display: 'transient',
      });
      setActing(undefined);
      props.onChange?.();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const items = value?.items ?? [];
  return (
    <InfoCard
      title="Exceptions"
      subheader="A requirement waived until a date, granted by someone other than who asked"
    >
      {items.length === 0 ? (
        <Typography variant="body2">
          No exception requested. An unmet artifact, owner or check requirement
          on the Readiness card can be requested as one.
        </Typography>
      ) : (
        <ExceptionsTable
          items={items}
          actions={e => (
            <Box display="flex" style={{ gap: 4 }}>
              {e.status === 'pending' && canGrant.allowed && !mine(e) && (
                <>
                  <Button
                    size="small"
                    color="primary"
                    onClick={() => open(e, 'grant')}
                  >
                    Grant
                  </Button>
                  <Button size="small" onClick={() => open(e, 'deny')}>
                    Deny
                  </Button>
                </>
              )}
              {(e.status === 'pending' || e.status === 'granted') &&
                (canGrant.allowed || mine(e)) && (
                  <Button size="small" onClick={() => open(e, 'revoke')}>
                    Revoke
                  </Button>
                )}
            </Box>
          )}
        />
      )}
      {acting && (
        <Dialog
          open
          onClose={() => setActing(undefined)}
          fullWidth
          maxWidth="sm"
          aria-labelledby="handoff-exception-answer-title"
        >
          <DialogTitle id="handoff-exception-answer-title">
            {ACTION_TITLES[acting.action]}
          </DialogTitle>
          <DialogContent>
            {error && (
              <Alert severity="error" role="alert" style={{ marginBottom: 16 }}>
                {error}
              </Alert>
            )}
            <Typography variant="subtitle2">
              {acting.exception.requirementDescription}
            </Typography>
            <Typography variant="body2" paragraph>
              {acting.exception.justification} (until {acting.exception.until})
            </Typography>
            <TextField
              fullWidth
              multiline
              minRows={2}
              margin="normal"
              id="handoff-exception-note"
              label="Why"
              value={note}
              onChange={e => setNote(e.target.value)}
            />
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setActing(undefined)}>Cancel</Button>
            <Button
              color="primary"
              variant="contained"
              disabled={saving || !note.trim()}
              onClick={submit}
            >
              {ACTION_TITLES[acting.action]}
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </InfoCard>
  );
}
