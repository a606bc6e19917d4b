import {
  InfoCard,
  Progress,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { ANNOTATION_HANDOFF_SPEC } from '@handoff/backstage-plugin-handoff-common';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useEffect, useRef, useState } from 'react';
import { useEntityRef, useEntitySpec } from '../../hooks/useEntitySpec';
import { SpecView } from '../SpecView';
import { errorMessage } from '../errorMessage';
import { HandoffErrorPanel } from '../HandoffErrorPanel';

function SpecStatus(props: {
  valid?: boolean;
  readError?: string;
  readAt?: string;
  errorCount: number;
}) {
  if (!props.readAt) {
    return (
      <StatusPending>
        Not read yet: the next scheduled pass reads it within minutes, or press
        Read now.
      </StatusPending>
    );
  }
  if (props.readError) {
    return (
      <StatusWarning>Could not read the file: {props.readError}</StatusWarning>
    );
  }
  if (props.valid) {
    return <StatusOK>The spec is valid</StatusOK>;
  }
  return (
    <StatusError>
      Invalid: {props.errorCount} error{props.errorCount === 1 ? '' : 's'}
    </StatusError>
  );
}

/** The entity's latest handoff spec, rendered for reading, with its validation result. */
export function SpecCard(
  props: {
    revision?: number;
    /** Told when a new read of the spec was stored, so other cards reload. */
    onChange?: () => void;
  } = {},
) {
  const { value, loading, error, retry } = useEntitySpec(props.revision);
  const { onChange } = props;
  // The first read (by the scheduled pass or a refresh) changes what the
  // other cards show too: the versions, the gates.
  const readAt = value?.readAt;
  const sawUnread = useRef(false);
  useEffect(() => {
    if (value && !readAt) sawUnread.current = true;
    if (readAt && sawUnread.current) {
      sawUnread.current = false;
      onChange?.();
    }
  }, [readAt, value, onChange]);
  const { ref, api } = useEntityRef();
  const alertApi = useApi(alertApiRef);
  const [refreshing, setRefreshing] = useState(false);

  const refresh = async () => {
    setRefreshing(true);
    try {
      const result = await api.refreshSpec(ref);
      alertApi.post({
        message: {
          created: `Read a new version (${result.version}) of the spec.`,
          unchanged: 'The spec has not changed.',
          unreadable: `Could not read the spec: ${result.error}`,
        }[result.status],
        severity: result.status === 'unreadable' ? 'warning' : 'success',
        display: 'transient',
      });
      if (onChange) onChange();
      else retry();
    } catch (e) {
      alertApi.post({ message: errorMessage(e), severity: 'error' });
    } finally {
      setRefreshing(false);
    }
  };

  if (loading && !value) return <Progress />;
  if (error) return <HandoffErrorPanel error={error} />;
  if (!value?.specLocation) {
    return (
      <InfoCard title="Handoff spec">
        <Typography variant="body2">
          This entity has no handoff spec. Add a handoff.yaml next to its
          catalog-info.yaml and point the <code>{ANNOTATION_HANDOFF_SPEC}</code>{' '}
          annotation at it.
        </Typography>
      </InfoCard>
    );
  }
  const latest = value.latest;
  return (
    <InfoCard
      title="Handoff spec"
      subheader={
        latest
          ? `Version ${latest.version}, read from ${
              latest.sourceLocation
            }, first seen ${new Date(latest.firstSeenAt).toLocaleString()}`
          : value.specLocation
      }
      action={
        <Button
          size="small"
          variant="outlined"
          onClick={refresh}
          disabled={refreshing}
        >
          {refreshing && 'Reading…'}
          {!refreshing && (value.readAt ? 'Read again' : 'Read now')}
        </Button>
      }
    >
      <SpecStatus
        valid={latest?.valid}
        readError={value.readError}
        readAt={value.readAt}
        errorCount={latest?.errors.length ?? 0}
      />
      {latest && <SpecView document={latest.document} errors={latest.errors} />}
    </InfoCard>
  );
}
