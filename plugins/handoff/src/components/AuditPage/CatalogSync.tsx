import { useApi } from '@backstage/core-plugin-api';
import { PortfolioSyncStatus } from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { ResponseError } from '@backstage/errors';
import { useCallback, useEffect, useRef, useState } from 'react';
import { handoffApiRef } from '../../api';

const time = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });

/** What the latest sync did, in words. */
function describe(status?: PortfolioSyncStatus): string {
  const latest = status?.latest;
  if (!latest) return 'The audit has not synced with the catalog yet.';
  if (status!.running) {
    return `Syncing with the catalog: ${latest.synced} entities so far…`;
  }
  if (latest.error) {
    return `The last sync (${time(latest.startedAt)}) did not finish: ${
      latest.error
    }`;
  }
  return `Last synced with the catalog ${time(
    latest.finishedAt ?? latest.updatedAt,
  )}: ${latest.synced} entities${
    latest.removed ? `, ${latest.removed} removed` : ''
  }.`;
}

/** Spec hosts held back now, in words: why some specs shown are old. */
function heldBackHosts(status?: PortfolioSyncStatus): string[] {
  return (status?.specHosts ?? [])
    .filter(h => h.state !== 'closed')
    .map(
      h =>
        `The spec host ${h.host} did not answer ${h.failures} read${
          h.failures === 1 ? '' : 's'
        } in a row: its capabilities show the spec read before${
          h.retryAt ? ` until it is tried again at ${time(h.retryAt)}` : ''
        }.`,
    );
}

/**
 * "Sync now" for the platform team: asks the backend for the audit's full
 * catalog sync (one at a time across replicas), shows its progress, and
 * tells the page when it has finished so the page reloads its figures.
 */
export function CatalogSync(props: { onSynced: () => void }) {
  const api = useApi(handoffApiRef);
  const [status, setStatus] = useState<PortfolioSyncStatus>();
  const [message, setMessage] = useState<string>();
  /** Set from a request until a sync that started after it has ended. */
  const [waitingSince, setWaitingSince] = useState<number>();
  const seenBefore = useRef<string | undefined>();
  // The latest callback, without polling again each time the page renders.
  const onSynced = useRef(props.onSynced);
  onSynced.current = props.onSynced;
  const lastFinished = useRef<string | undefined>();

  const poll = useCallback(async () => {
    try {
      const next = await api.getPortfolioSync();
      setStatus(next);
      const finished = next.latest?.finishedAt;
      // A sync that ended since the last look, asked for here or scheduled:
      // the page reads its figures again.
      if (
        lastFinished.current !== undefined &&
        finished !== lastFinished.current
      ) {
        onSynced.current();
      }
      lastFinished.current = finished ?? '';
      // The sync asked for has run once a newer one than we saw has ended.
      if (
        !next.running &&
        next.latest?.finishedAt &&
        next.latest.startedAt !== seenBefore.current
      ) {
        setWaitingSince(undefined);
      }
    } catch {
      // The status is a nicety: the audit works without it.
    }
  }, [api]);

  const running = Boolean(status?.running) || waitingSince !== undefined;
  // Every second while a sync runs, every 15 seconds otherwise.
  useEffect(() => {
    poll();
    const timer = setInterval(poll, running ? 1000 : 15_000);
    return () => clearInterval(timer);
  }, [running, poll]);
  // A request no replica picked up in two minutes stops waiting.
  useEffect(() => {
    if (waitingSince === undefined) return undefined;
    const timer = setTimeout(() => setWaitingSince(undefined), 120_000);
    return () => clearTimeout(timer);
  }, [waitingSince]);

  const syncNow = async () => {
    setMessage(undefined);
    seenBefore.current = status?.latest?.startedAt;
    try {
      const next = await api.requestPortfolioSync();
      setStatus(next);
      // A sync that already ran to its end within the request counts.
      if (next.running || next.latest?.startedAt === seenBefore.current) {
        setWaitingSince(Date.now());
      } else {
        onSynced.current();
      }
    } catch (error) {
      const e = error as ResponseError;
      setMessage(
        e.response?.status === 403
          ? 'Only the platform team may start a sync.'
          : e.body?.error?.message ?? e.message,
      );
      poll();
    }
  };

  return (
    <Box display="flex" alignItems="center" style={{ gap: 16 }} flexWrap="wrap">
      <Button
        variant="outlined"
        color="primary"
        onClick={syncNow}
        disabled={running}
      >
        {running ? 'Syncing…' : 'Sync with the catalog now'}
      </Button>
      <Box flex="1 1 240px" minWidth={240}>
        <Typography variant="body2" role="status" aria-live="polite">
          {message ?? describe(status)}
        </Typography>
        {heldBackHosts(status).map(text => (
          <Typography key={text} variant="body2" color="error">
            {text}
          </Typography>
        ))}
        {running && <LinearProgress aria-label="Catalog sync in progress" />}
      </Box>
    </Box>
  );
}
