import { HttpAuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_HANDOFF_SPEC,
  ANNOTATION_HANDOFF_STAGE,
  CapabilityListResponse,
} from '@handoff/backstage-plugin-handoff-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HandoffStore } from '../database/HandoffStore';
import { summarizeReadiness } from './readiness';

const entityParams = z.object({
  kind: z.string().min(1),
  namespace: z.string().min(1),
  name: z.string().min(1),
});

/** Parses with a zod schema, turning failures into a 400 that names the field. */
export function parseInput<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .map(i => `${i.path.length ? i.path.join('.') : what}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${issues}`);
  }
  return result.data;
}

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  store: HandoffStore;
}): Promise<express.Router> {
  const { httpAuth, catalog, store } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/capabilities', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
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
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = parseInput(entityParams, req.params, 'entity reference');
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    const latest = await store.latestDecision(stringifyEntityRef(entity));
    res.json(summarizeReadiness(entity, latest));
  });

  return router;
}
