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
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ApprovalRole,
  DECISION_TITLES,
  Decision,
  GateRequirement,
  ReadinessSummary,
  SlaClock,
  handoffApprovalCreatePermission,
  handoffDecisionCreatePermission,
  handoffTransferAcceptPermission,
  mayAcceptTransfer,
} from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { handoffApiRef } from '../../api';
import { DecisionDialog } from './DecisionDialog';
import { ReviewDialog } from './ReviewDialog';
import { GateChecklist } from './GateChecklist';
import { StillToWriteList } from './StillToWrite';
import { ExceptionRequestDialog } from './ExceptionRequestDialog';
import { PacketDownload } from './PacketDownload';
import { StageStepper } from './StageStepper';
import { errorMessage } from '../errorMessage';
import { HandoffErrorPanel } from '../HandoffErrorPanel';

const roleTitle = (role: ApprovalRole) => {
  if (role === 'accountable') return 'accountable owner';
  if (role === 'compliance') return 'compliance approver';
  return `member of ${role}`;
};

const workingDays = (n: number) => `${n} working day${n === 1 ? '' : 's'}`;

/** "waiting 12 working days (SLA 10), past its SLA". */
export function slaWords(sla: SlaClock): string {
  return `waiting ${workingDays(sla.waitedWorkingDays)} (SLA ${
    sla.workingDays
  })${sla.breached ? ', past its SLA' : ''}`;
}

/** Approvals the gates still wait for: one per decision and role. */
function pendingApprovals(readiness: ReadinessSummary) {
  return (readiness.gates ?? []).flatMap(gate =>
    gate.requirements
      .filter(
        r => !r.met && r.approval && !r.reason.startsWith('The spec names no'),
      )
      .map(r => ({
        decision: gate.decision,
        role: r.approval!.role as ApprovalRole,
      })),
  );
}

/** Stage, gates and the actions the signed-in user may take. */
export function ReadinessPanel(props: {
  readiness: ReadinessSummary;
  onChange: () => void;
}) {
  const { readiness, onChange } = props;
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(handoffApiRef);
  const alertApi = useApi(alertApiRef);
  const identityApi = useApi(identityApiRef);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [reviewOpen, setReviewOpen] = useState(false);
  const [requesting, setRequesting] = useState<GateRequirement>();
  const reviewable = (readiness.gates ?? []).some(g => g.decision === 'review');
  const decidable = (readiness.gates ?? []).some(g => g.decision !== 'review');
  const [actionError, setActionError] = useState<string>();

  const canDecide = usePermission({
    permission: handoffDecisionCreatePermission,
    resourceRef: entityRef,
  });
  const canApprove = usePermission({
    permission: handoffApprovalCreatePermission,
    resourceRef: entityRef,
  });
  const canAccept = usePermission({
    permission: handoffTransferAcceptPermission,
    resourceRef: entityRef,
  });
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const transfer = readiness.transfer;
  const mayAccept =
    canAccept.allowed &&
    Boolean(transfer) &&
    mayAcceptTransfer(transfer!, identity.value?.ownershipEntityRefs ?? []);

  const act = async (what: string, action: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await action();
      alertApi.post({
        message: what,
        severity: 'success',
        display: 'transient',
      });
      onChange();
    } catch (e) {
      setActionError(errorMessage(e));
    }
  };

  return (
    <InfoCard
      title="Readiness"
      subheader={`Stage decided by recorded decisions; ${
        readiness.sequence ?? 0
      } so far`}
    >
      <StageStepper stage={readiness.stage} visited={readiness.stagesVisited} />
      {actionError && (
        <Alert severity="error" role="alert" style={{ marginBottom: 16 }}>
          {actionError}
        </Alert>
      )}
      {transfer?.status === 'pending' && (
        <Alert
          severity={readiness.sla?.breached ? 'error' : 'warning'}
          style={{ marginBottom: 16 }}
        >
          Hand-off to{' '}
          <EntityRefLink entityRef={transfer.toOwner} defaultKind="group" /> is
          waiting for them to accept it
          {readiness.sla?.kind === 'handoffAcceptance'
            ? `: ${slaWords(readiness.sla)}`
            : ''}
          .
        </Alert>
      )}
      {readiness.sla?.kind === 'readinessReview' && (
        <Alert
          severity={readiness.sla.breached ? 'error' : 'info'}
          style={{ marginBottom: 16 }}
        >
          The readiness review is open: {slaWords(readiness.sla)}. A decision to
          harden, hand off, operate, reframe or stop concludes it.
        </Alert>
      )}
      {(readiness.reviewRequired ?? []).length > 0 && (
        <Alert severity="error" style={{ marginBottom: 16 }}>
          Review required: {readiness.reviewRequired!.join(', ')} failed. The
          hand-off and every other gated decision wait until the check&apos;s
          reporter posts a passing result or the owner records a review; no
          exception stands in for it.
        </Alert>
      )}
      {(readiness.failingChecks ?? []).length > 0 && (
        <Alert severity="warning" style={{ marginBottom: 16 }}>
          Failing checks: {readiness.failingChecks!.join(', ')}.
        </Alert>
      )}
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }} mb={2}>
        {canDecide.allowed && reviewable && (
          <Button
            variant="contained"
            color="primary"
            onClick={() => setReviewOpen(true)}
          >
            Record review
          </Button>
        )}
        {canDecide.allowed && decidable && (
          <Button
            variant={reviewable ? 'outlined' : 'contained'}
            color="primary"
            onClick={() => setDialogOpen(true)}
          >
            Record a decision
          </Button>
        )}
        {canApprove.allowed &&
          pendingApprovals(readiness).map(p => (
            <Button
              key={`${p.decision}-${p.role}`}
              variant="outlined"
              onClick={() =>
                act(
                  `Approved ${DECISION_TITLES[p.decision].toLocaleLowerCase(
                    'en-US',
                  )}.`,
                  () =>
                    api.approve(getCompoundEntityRef(entity), {
                      decision: p.decision,
                      role: p.role,
                    }),
                )
              }
            >
              Approve “{DECISION_TITLES[p.decision]}” as {roleTitle(p.role)}
            </Button>
          ))}
        <PacketDownload />
        {mayAccept && (
          <Button
            variant="outlined"
            color="primary"
            onClick={() =>
              act('You accepted the hand-off.', () =>
                api.acceptTransfer(getCompoundEntityRef(entity)),
              )
            }
          >
            Accept the hand-off
          </Button>
        )}
      </Box>
      {readiness.stillToWrite && (
        <StillToWriteList items={readiness.stillToWrite} />
      )}
      {(readiness.gates ?? []).map(gate => (
        <Box
          key={gate.decision}
          mb={2}
          component="section"
          aria-label={`${DECISION_TITLES[gate.decision as Decision]} gate`}
        >
          <Typography variant="subtitle1">
            {DECISION_TITLES[gate.decision as Decision]}:{' '}
            {gate.requirements.length === 0
              ? 'always open'
              : `${gate.requirements.filter(r => r.met).length} of ${
                  gate.requirements.length
                } met`}
          </Typography>
          {gate.requirements.length > 0 && (
            <GateChecklist
              gate={gate}
              onRequestException={canDecide.allowed ? setRequesting : undefined}
            />
          )}
        </Box>
      ))}
      {(readiness.gates ?? []).length === 0 && (
        <Typography variant="body2">
          No further decision is possible: the capability is stopped.
        </Typography>
      )}
      {reviewOpen && (
        <ReviewDialog
          readiness={readiness}
          onClose={() => setReviewOpen(false)}
          onReviewed={() => {
            setReviewOpen(false);
            alertApi.post({
              message: 'Review recorded.',
              severity: 'success',
              display: 'transient',
            });
            onChange();
          }}
        />
      )}
      {requesting && (
        <ExceptionRequestDialog
          requirement={requesting}
          readiness={readiness}
          onClose={() => setRequesting(undefined)}
          onRequested={() => {
            setRequesting(undefined);
            alertApi.post({
              message:
                'Exception requested. It waives the requirement once another person grants it.',
              severity: 'success',
              display: 'transient',
            });
            onChange();
          }}
        />
      )}
      {dialogOpen && (
        <DecisionDialog
          open
          readiness={readiness}
          onClose={() => setDialogOpen(false)}
          onDecided={() => {
            setDialogOpen(false);
            alertApi.post({
              message: 'Decision recorded.',
              severity: 'success',
              display: 'transient',
            });
            onChange();
          }}
        />
      )}
    </InfoCard>
  );
}

/** Loads the readiness summary and shows the panel. */
export function ReadinessSection(props: {
  revision: number;
  onChange: () => void;
}) {
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  const ref = getCompoundEntityRef(entity);
  const state = useAsync(
    () => api.getReadiness(ref),
    [api, ref.kind, ref.namespace, ref.name, props.revision],
  );
  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <HandoffErrorPanel error={state.error} />;
  return state.value ? (
    <ReadinessPanel readiness={state.value} onChange={props.onChange} />
  ) : null;
}
