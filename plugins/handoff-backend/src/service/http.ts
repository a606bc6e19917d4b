import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  DecisionResponse,
  handoffAuditReadPermission,
  isCapability,
} from '@handoff/backstage-plugin-handoff-common';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';
import { z } from 'zod';
import { DecisionRecord } from '../database/HandoffStore';
import { WorkflowService } from './WorkflowService';
import { catalogCredentials } from './catalogCredentials';
import { parseInput } from './parseInput';

/** `:kind/:namespace/:name` in a route. */
const refPart = z
  .string()
  .min(1)
  .max(1000)
  // A URL path cannot carry them to the catalog: `..` would ask it for a
  // different resource (the whole entity list).
  .refine(v => v !== '.' && v !== '..', 'must not be . or ..');
export const entityParams = z.object({
  kind: refPart,
  namespace: refPart,
  name: refPart,
});

/** A decision as the API shows it. */
export function toDecisionResponse(record: DecisionRecord): DecisionResponse {
  const { exceptionJustification, exceptionExpiresAt, ...rest } = record;
  return {
    ...rest,
    ...(exceptionJustification && {
      exception: {
        justification: exceptionJustification,
        ...(exceptionExpiresAt && { expiresAt: exceptionExpiresAt }),
      },
    }),
  };
}

export type HttpDeps = {
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  workflow: WorkflowService;
};

/**
 * What every route starts with: who calls, which entity, whether they may,
 * and an auditor event around each write.
 */
export function httpHelpers(deps: HttpDeps) {
  const { auth, httpAuth, permissions, auditor, catalog, workflow } = deps;

  /**
   * Who calls. A static token limited to some permissions (a CI token that
   * posts check results) reads nothing unless its restrictions grant
   * `handoff.audit.read`: its writes are checked against them as usual.
   */
  const callerOf = async (req: Request) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const restricted =
      credentials.principal.type === 'service'
        ? credentials.principal.accessRestrictions
        : undefined;
    if (
      restricted &&
      req.method === 'GET' &&
      !restricted.permissionNames?.includes(handoffAuditReadPermission.name)
    ) {
      throw new NotAllowedError(
        `This token may not read Handoff: its access is limited to ${
          restricted.permissionNames?.join(', ') || 'some permissions'
        }`,
      );
    }
    return credentials;
  };

  /** For what only other backend plugins may call (a user gets 401). */
  const serviceOf = (req: Request) =>
    httpAuth.credentials(req, { allow: ['service'] });

  /** The entity named by the route, or a 404. */
  async function entityOf(
    req: Request,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const ref = parseInput(entityParams, req.params, 'entity reference');
    const entity = await catalog.getEntityByRef(ref, {
      credentials: await catalogCredentials(auth, credentials),
    });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    return entity;
  }

  /** The entity named by the route if it is a capability, else a 404 that says so. */
  async function capabilityOf(
    req: Request,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await entityOf(req, credentials);
    if (!isCapability(entity)) {
      throw new NotFoundError(
        `${stringifyEntityRef(
          entity,
        )} is not a capability: Handoff governs only entities with a handoff.dev/spec or handoff.dev/stage annotation`,
      );
    }
    return entity;
  }

  /** The one place permissions are decided. */
  async function authorize(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'> | BasicPermission,
    entityRef?: string,
  ) {
    const [decision] =
      permission.type === 'resource'
        ? await permissions.authorize(
            [{ permission, resourceRef: entityRef! }],
            { credentials },
          )
        : await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not ${permission.name}${entityRef ? ` for ${entityRef}` : ''}`,
      );
    }
  }

  /** {@link authorize} for writes: a refusal is an auditor event too. */
  async function authorizeWrite(
    req: Request,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'> | BasicPermission,
    entityRef?: string,
  ) {
    try {
      await authorize(credentials, permission, entityRef);
    } catch (error) {
      const event = await auditor.createEvent({
        eventId: 'write-refused',
        request: req,
        meta: { permission: permission.name, ...(entityRef && { entityRef }) },
        severityLevel: 'medium',
      });
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /** Runs a write as an auditor event that succeeds or fails with it. */
  async function audited<T>(
    req: Request,
    eventId: string,
    meta: JsonObject,
    write: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      request: req,
      meta,
      severityLevel: 'medium',
    });
    try {
      const result = await write();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /** Parses the body, finds the entity and checks the permission: the start of every entity write. */
  async function writeContext<T>(
    req: Request,
    schema: z.ZodType<T> | undefined,
    permission: ResourcePermission<'catalog-entity'>,
    /** Decisions, approvals and acceptances are made by people, never by services. */
    peopleOnly = false,
  ) {
    const credentials = peopleOnly
      ? await httpAuth.credentials(req, { allow: ['user'] })
      : await callerOf(req);
    const body = schema
      ? parseInput(schema, req.body ?? {}, 'body')
      : (undefined as T);
    const entity = await capabilityOf(req, credentials);
    const entityRef = stringifyEntityRef(entity);
    await authorizeWrite(req, credentials, permission, entityRef);
    return {
      entity,
      entityRef,
      body,
      caller: await workflow.callerOf(credentials),
    };
  }

  return {
    callerOf,
    serviceOf,
    entityOf,
    capabilityOf,
    authorize,
    authorizeWrite,
    audited,
    writeContext,
  };
}

/** The helpers every route file receives. */
export type HttpHelpers = ReturnType<typeof httpHelpers>;
