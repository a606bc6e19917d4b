import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PermissionsService } from '@backstage/backend-plugin-api';
import {
  EXCEPTION_STATUSES,
  exceptionAnswerSchema,
  exceptionRequestSchema,
  exceptionRevokeSchema,
  handoffAuditReadPermission,
  handoffDecisionCreatePermission,
  handoffExceptionApprovePermission,
} from '@handoff/backstage-plugin-handoff-common';
import { Router } from 'express';
import { z } from 'zod';
import { HandoffStore } from '../../database/HandoffStore';
import { ExceptionService } from '../ExceptionService';
import { HttpHelpers } from '../http';
import { idParams, parseInput } from '../parseInput';

const exceptionParams = idParams('an exception number');

const allQuery = z.strictObject({
  status: z.enum(EXCEPTION_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});

/**
 * Exception requests: a capability's list, a request (by whoever may record
 * its decisions), an answer (by whoever holds handoff.exception.approve, never
 * the requester), a revocation; and the catalog-wide list for auditors.
 */
export function exceptionRoutes(
  router: Router,
  http: HttpHelpers,
  deps: {
    store: HandoffStore;
    exceptions: ExceptionService;
    permissions: PermissionsService;
  },
) {
  const { callerOf, entityOf, authorize, audited, writeContext } = http;
  const { exceptions } = deps;

  router.get('/exceptions', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(allQuery, req.query, 'query');
    await authorize(credentials, handoffAuditReadPermission);
    res.json({ items: await deps.store.listAllExceptions(query) });
  });

  router.get('/exceptions/:kind/:namespace/:name', async (req, res) => {
    const entity = await entityOf(req, await callerOf(req));
    res.json({ items: await exceptions.list(entity) });
  });

  router.post('/exceptions/:kind/:namespace/:name', async (req, res) => {
    const { entity, entityRef, body, caller } = await writeContext(
      req,
      exceptionRequestSchema,
      handoffDecisionCreatePermission,
      true,
    );
    const stored = await audited(
      req,
      'exception-request',
      { entityRef, requirement: body.requirement },
      () => exceptions.request(entity, caller, body),
    );
    res.status(201).json(stored);
  });

  router.post(
    '/exceptions/:kind/:namespace/:name/:id/answer',
    async (req, res) => {
      const { id } = parseInput(exceptionParams, req.params, 'path');
      const { entity, entityRef, body, caller } = await writeContext(
        req,
        exceptionAnswerSchema,
        handoffExceptionApprovePermission,
        true,
      );
      const answered = await audited(
        req,
        'exception-answer',
        { entityRef, id, answer: body.answer },
        () => exceptions.answer(entity, caller, id, body),
      );
      res.json(answered);
    },
  );

  router.post(
    '/exceptions/:kind/:namespace/:name/:id/revoke',
    async (req, res) => {
      const { id } = parseInput(exceptionParams, req.params, 'path');
      // Its requester may withdraw it without the permission to grant.
      const { entity, entityRef, body, caller } = await writeContext(
        req,
        exceptionRevokeSchema,
        handoffDecisionCreatePermission,
        true,
      );
      const [mayGrant] = await deps.permissions.authorize(
        [
          {
            permission: handoffExceptionApprovePermission,
            resourceRef: entityRef,
          },
        ],
        { credentials: caller.credentials },
      );
      const revoked = await audited(
        req,
        'exception-revoke',
        { entityRef, id },
        () =>
          exceptions.revoke(
            entity,
            caller,
            id,
            body.note,
            mayGrant.result === AuthorizeResult.ALLOW,
          ),
      );
      res.json(revoked);
    },
  );
}
