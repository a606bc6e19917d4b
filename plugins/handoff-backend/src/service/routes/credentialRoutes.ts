import {
  AuditorService,
  AuthService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthenticationError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  checkCredentialRequestSchema,
  checkResultRequestSchema,
  handoffCredentialManagePermission,
  isCapability,
} from '@handoff/backstage-plugin-handoff-common';
import { randomBytes } from 'crypto';
import { Request, Router } from 'express';
import { hashToken } from '../../database/DatabaseCredentialStore';
import { HandoffStore } from '../../database/HandoffStore';
import { CheckService } from '../CheckService';
import { HttpHelpers, entityParams } from '../http';
import { idParams, parseInput } from '../parseInput';
import { perCaller } from '../rateLimits';

const credentialParams = idParams('a credential number');

const PREFIX = 'hoc_';

/** The check credential a request carries (`Authorization: Bearer hoc_…`). */
function tokenOf(req: Request): string {
  const match = /^Bearer (hoc_[A-Za-z0-9_-]{20,100})$/.exec(
    req.headers.authorization ?? '',
  );
  if (!match) {
    throw new AuthenticationError(
      'A check credential is needed: Authorization: Bearer hoc_…',
    );
  }
  return match[1];
}

/**
 * Check credentials: an owner creates one on the Handoff tab (the token is
 * shown once, only its hash kept), lists and revokes them; a CI job posts its
 * capability's check results with it at `/ci/checks/…`, and nowhere else.
 */
export function credentialRoutes(
  router: Router,
  http: HttpHelpers,
  deps: {
    store: HandoffStore;
    checks: CheckService;
    catalog: CatalogService;
    auth: AuthService;
    httpAuth: HttpAuthService;
    auditor: AuditorService;
    checksPerMinute: number;
  },
) {
  const { callerOf, capabilityOf, authorize, audited, writeContext } = http;
  const { store } = deps;

  router.get('/credentials/:kind/:namespace/:name', async (req, res) => {
    const credentials = await callerOf(req);
    const entity = await capabilityOf(req, credentials);
    const entityRef = stringifyEntityRef(entity);
    await authorize(credentials, handoffCredentialManagePermission, entityRef);
    res.json({ items: await store.listCredentials(entityRef) });
  });

  router.post('/credentials/:kind/:namespace/:name', async (req, res) => {
    const { entityRef, body, caller } = await writeContext(
      req,
      checkCredentialRequestSchema,
      handoffCredentialManagePermission,
      true,
    );
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    const created = await audited(
      req,
      'credential-create',
      { entityRef, name: body.name },
      () =>
        store.createCredential({
          entityRef,
          name: body.name,
          token,
          createdBy: caller.ref,
          expiresAt: new Date(Date.now() + body.expiresInDays * 86_400_000),
        }),
    );
    res.status(201).json({ ...created, token });
  });

  router.post(
    '/credentials/:kind/:namespace/:name/:id/revoke',
    async (req, res) => {
      const { id } = parseInput(credentialParams, req.params, 'path');
      const { entityRef, caller } = await writeContext(
        req,
        undefined,
        handoffCredentialManagePermission,
        true,
      );
      const revoked = await audited(
        req,
        'credential-revoke',
        { entityRef, id },
        () => store.revokeCredential(entityRef, id, caller.ref),
      );
      if (!revoked) {
        throw new NotFoundError(
          `${entityRef} has no active check credential ${id}`,
        );
      }
      res.json(revoked);
    },
  );

  // Authenticated by the check credential itself, not by Backstage.
  router.post(
    '/ci/checks/:kind/:namespace/:name',
    perCaller({
      httpAuth: deps.httpAuth,
      limit: deps.checksPerMinute,
      what: 'check results from one credential',
      keyOf: req => {
        try {
          return `credential:${hashToken(tokenOf(req))}`;
        } catch {
          return 'credential:none';
        }
      },
    }),
    async (req, res) => {
      const event = await deps.auditor.createEvent({
        eventId: 'check-result',
        meta: { via: 'check-credential' },
        severityLevel: 'medium',
      });
      try {
        const token = tokenOf(req);
        const body = parseInput(
          checkResultRequestSchema,
          req.body ?? {},
          'body',
        );
        const ref = parseInput(entityParams, req.params, 'entity reference');
        const credential = await store.useCredential(token);
        if (!credential) {
          throw new AuthenticationError(
            'The check credential is unknown, revoked or expired',
          );
        }
        const wanted = stringifyEntityRef(ref).toLocaleLowerCase('en-US');
        if (credential.entityRef.toLocaleLowerCase('en-US') !== wanted) {
          throw new NotAllowedError(
            `This check credential posts check results for ${credential.entityRef} only`,
          );
        }
        const own = await deps.auth.getOwnServiceCredentials();
        const entity = await deps.catalog.getEntityByRef(ref, {
          credentials: own,
        });
        if (!entity || !isCapability(entity)) {
          throw new NotFoundError(
            `${credential.entityRef} is no longer a capability in the catalog`,
          );
        }
        const check = await deps.checks.recordCheck(
          entity,
          {
            credentials: own,
            ref: `credential:${credential.name}`,
            ownership: [],
          },
          body,
        );
        await event.success({
          meta: {
            entityRef: credential.entityRef,
            credential: credential.id,
            check: body.name,
            status: body.status,
          },
        });
        res.status(201).json(check);
      } catch (error) {
        await event.fail({ error: error as Error });
        throw error;
      }
    },
  );
}
