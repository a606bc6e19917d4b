import {
  auditQuerySchema,
  handoffAuditReadPermission,
} from '@handoff/backstage-plugin-handoff-common';
import { Router } from 'express';
import { HandoffStore } from '../../database/HandoffStore';
import { HttpHelpers } from '../http';
import { parseInput } from '../parseInput';
import { streamCsv } from '../streamCsv';

/** The append-only audit trail, paged or as CSV, for holders of handoff.audit.read. */
export function auditTrailRoutes(
  router: Router,
  http: HttpHelpers,
  deps: { store: HandoffStore },
) {
  const { callerOf, authorize } = http;
  const { store } = deps;

  router.get('/audit', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(auditQuerySchema, req.query, 'query');
    await authorize(credentials, handoffAuditReadPermission);
    res.json({ items: await store.listAudit(query) });
  });

  router.get('/audit.csv', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(
      auditQuerySchema.omit({ limit: true, before: true }),
      req.query,
      'query',
    );
    await authorize(credentials, handoffAuditReadPermission);
    // Page through the trail so memory stays flat however long it is.
    async function* pages() {
      let before: number | undefined;
      for (;;) {
        const page = await store.listAudit({
          entityRef: query.entityRef,
          limit: 500,
          before,
        });
        yield page.map(entry => ({
          ...entry,
          before:
            entry.before === undefined ? '' : JSON.stringify(entry.before),
          after: entry.after === undefined ? '' : JSON.stringify(entry.after),
        }));
        if (page.length < 500) return;
        before = page[page.length - 1].id;
      }
    }
    await streamCsv(
      res,
      'handoff-audit.csv',
      ['id', 'createdAt', 'entityRef', 'actor', 'action', 'before', 'after'],
      pages(),
    );
  });
}
