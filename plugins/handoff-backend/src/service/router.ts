import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ANNOTATION_HANDOFF_SPEC,
  ANNOTATION_HANDOFF_STAGE,
  CapabilityListResponse,
  EntitySpecResponse,
  SpecDiffResponse,
  SpecRefreshResponse,
  diffSpecArtifacts,
  handoffSpecRefreshPermission,
} from '@handoff/backstage-plugin-handoff-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { SpecIngester } from '../catalog/SpecIngester';
import { HandoffStore } from '../database/HandoffStore';
import { parseInput } from './parseInput';
import { summarizeReadiness } from './readiness';

const entityParams = z.object({
  kind: z.string().min(1),
  namespace: z.string().min(1),
  name: z.string().min(1),
});

const versionParams = entityParams.extend({
  version: z.coerce.number().int().positive(),
});

const diffQuery = z.strictObject({
  from: z.coerce.number().int().positive(),
  to: z.coerce.number().int().positive(),
});

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  store: HandoffStore;
  ingester: SpecIngester;
};

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, catalog, store, ingester } = options;
  const router = Router();
  router.use(express.json());

  const callerOf = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /** The entity named by the route, or a 404. */
  async function entityOf(
    req: Request,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const ref = parseInput(entityParams, req.params, 'entity reference');
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    return entity;
  }

  /** The one place write permissions are decided. */
  async function authorize(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ) {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not ${permission.name} for ${entityRef}`,
      );
    }
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/capabilities', async (req, res) => {
    const credentials = await callerOf(req);
    const { items } = await catalog.getEntities(
      {
        filter: [
          {
            [`metadata.annotations.${ANNOTATION_HANDOFF_SPEC}`]:
              CATALOG_FILTER_EXISTS,
          },
          {
            [`metadata.annotations.${ANNOTATION_HANDOFF_STAGE}`]:
              CATALOG_FILTER_EXISTS,
          },
        ],
        order: { field: 'metadata.name', order: 'asc' },
      },
      { credentials },
    );
    const latest = await store.latestDecisions(
      items.map(e => stringifyEntityRef(e)),
    );
    const body: CapabilityListResponse = {
      items: items.map(e =>
        summarizeReadiness(e, latest.get(stringifyEntityRef(e))),
      ),
    };
    res.json(body);
  });

  router.get('/readiness/:kind/:namespace/:name', async (req, res) => {
    const entity = await entityOf(req, await callerOf(req));
    const latest = await store.latestDecision(stringifyEntityRef(entity));
    res.json(summarizeReadiness(entity, latest));
  });

  router.get('/specs/:kind/:namespace/:name', async (req, res) => {
    const entity = await entityOf(req, await callerOf(req));
    const entityRef = stringifyEntityRef(entity);
    const specLocation = entity.metadata.annotations?.[ANNOTATION_HANDOFF_SPEC];
    let status = await store.getReadStatus(entityRef);
    if (!status && specLocation) {
      // Never read yet (the scheduled pass has not reached it): read it now.
      await ingester.ingestEntity(entity);
      status = await store.getReadStatus(entityRef);
    }
    const body: EntitySpecResponse = {
      entityRef,
      specLocation,
      readError: status?.readError,
      readAt: status?.readAt,
      latest: await store.latestSpec(entityRef),
    };
    res.json(body);
  });

  router.get('/specs/:kind/:namespace/:name/versions', async (req, res) => {
    const entity = await entityOf(req, await callerOf(req));
    res.json({
      items: await store.listSpecVersions(stringifyEntityRef(entity)),
    });
  });

  router.get(
    '/specs/:kind/:namespace/:name/versions/:version',
    async (req, res) => {
      const { version } = parseInput(versionParams, req.params, 'version');
      const entity = await entityOf(req, await callerOf(req));
      const entityRef = stringifyEntityRef(entity);
      const found = await store.getSpecVersion(entityRef, version);
      if (!found) {
        throw new NotFoundError(`${entityRef} has no spec version ${version}`);
      }
      res.json(found);
    },
  );

  router.get('/specs/:kind/:namespace/:name/diff', async (req, res) => {
    const query = parseInput(diffQuery, req.query, 'query');
    const entity = await entityOf(req, await callerOf(req));
    const entityRef = stringifyEntityRef(entity);
    const [from, to] = await Promise.all([
      store.getSpecVersion(entityRef, query.from),
      store.getSpecVersion(entityRef, query.to),
    ]);
    if (!from || !to) {
      throw new NotFoundError(
        `${entityRef} has no spec version ${!from ? query.from : query.to}`,
      );
    }
    const {
      content: _a,
      document: before,
      errors: _e1,
      entityState: _s1,
      ...fromSummary
    } = from;
    const {
      content: _b,
      document: after,
      errors: _e2,
      entityState: _s2,
      ...toSummary
    } = to;
    const body: SpecDiffResponse = {
      entityRef,
      from: fromSummary,
      to: toSummary,
      changes: diffSpecArtifacts(before, after),
    };
    res.json(body);
  });

  router.post('/specs/:kind/:namespace/:name/refresh', async (req, res) => {
    const credentials = await callerOf(req);
    const entity = await entityOf(req, credentials);
    const entityRef = stringifyEntityRef(entity);
    await authorize(credentials, handoffSpecRefreshPermission, entityRef);
    const event = await auditor.createEvent({
      eventId: 'spec-refresh',
      request: req,
      meta: { entityRef },
    });
    try {
      const result = await ingester.ingestEntity(entity);
      await event.success({
        meta: {
          status: result.status,
          ...(result.status !== 'unreadable' && {
            version: result.version.version,
          }),
        },
      });
      const body: SpecRefreshResponse =
        result.status === 'unreadable'
          ? { status: result.status, error: result.error }
          : {
              status: result.status,
              version: result.version.version,
              valid: result.version.valid,
            };
      res.json(body);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}
