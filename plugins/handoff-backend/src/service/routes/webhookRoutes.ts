import {
  AuthenticationError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import { isClosedWorkStatus } from '@handoff/backstage-plugin-handoff-common';
import { HandoffTracker } from '@handoff/backstage-plugin-handoff-node';
import express, { Router } from 'express';
import { HandoffStore } from '../../database/HandoffStore';

/**
 * `POST /webhooks/:tracker`: events the installed tracker pushes about the
 * tickets Handoff filed. Not signed in through Backstage: the tracker's own
 * signature over the raw body is checked before anything is read, and a
 * verified event can only move the work item its ticket was filed for.
 * Mounted before the JSON body parser: the signature is over the bytes.
 */
export function webhookRoutes(
  router: Router,
  deps: {
    tracker?: HandoffTracker;
    store: Pick<HandoffStore, 'itemByTicket' | 'applyTicketState'>;
  },
) {
  router.post(
    '/webhooks/:tracker',
    express.raw({ type: () => true, limit: '1mb' }),
    async (req, res) => {
      const { tracker, store } = deps;
      if (!tracker?.webhook || req.params.tracker !== tracker.id) {
        throw new NotFoundError(
          `No webhook for ${req.params.tracker} is set up here`,
        );
      }
      const body: Buffer = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.alloc(0);
      if (!tracker.webhook.verify(req.headers, body)) {
        throw new AuthenticationError(
          `The request is not signed by ${tracker.id} with the configured webhook secret`,
        );
      }
      let event: unknown;
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        throw new InputError('body: must be JSON');
      }
      const parsed = tracker.webhook.parse(event, req.headers);
      const item =
        parsed && (await store.itemByTicket(tracker.id, parsed.ticketId));
      // A closed ticket closes its item; a reopened one reopens a closed item.
      const status = parsed?.state.status;
      const moves =
        item &&
        status &&
        status !== item.status &&
        (isClosedWorkStatus(status) || isClosedWorkStatus(item.status));
      const changed =
        item &&
        (await store.applyTicketState(item, {
          status: moves ? status : undefined,
          by: `plugin:handoff/${tracker.id}`,
          note: `${parsed.ticketId} in ${tracker.id}: ${
            parsed.state.resolution ?? parsed.state.status
          }`,
          assignee: parsed.state.assignee,
        }));
      res.status(202).json({ changed: Boolean(changed) });
    },
  );
}
