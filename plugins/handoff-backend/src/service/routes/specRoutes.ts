import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_HANDOFF_SPEC,
  EntitySpecResponse,
  SpecRefreshResponse,
  handoffSpecRefreshPermission,
} from '@handoff/backstage-plugin-handoff-common';
import { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { SpecIngester } from '../../catalog/SpecIngester';
import { SpecStore } from '../../database/HandoffStore';
import { CapabilityService } from '../CapabilityService';
import { HttpHelpers, entityParams } from '../http';
import { parseInput } from '../parseInput';

const versionParams = entityParams.extend({
  version: z.coerce.number().int().positive(),
});

const diffQuery = z.strictObject({
  from: z.coerce.number().int().positive(),
  to: z.coerce.number().int().positive(),
});

/**
 * Where a spec version was read from, as a person may see it: a file on the
 * server is named the way the entity names it (`./handoff.yaml`), never by
 * its path on the server; a URL stays as it is.
 */
function shownSource<T extends { sourceLocation: string }>(
  version: T,
  entity: Entity,
): T;
function shownSource<T extends { sourceLocation: string }>(
  version: T | undefined,
  entity: Entity,
): T | undefined;
function shownSource<T extends { sourceLocation: string }>(
  version: T | undefined,
  entity: Entity,
): T | undefined {
  if (!version?.sourceLocation.startsWith('file:')) return version;
  return {
    ...version,
    sourceLocation:
      entity.metadata.annotations?.[ANNOTATION_HANDOFF_SPEC] ??
      'a file next to the entity',
  };
}

/** An entity's handoff spec: the latest read, its versions, diffs, and a read on request. */
export function specRoutes(
  router: Router,
  http: HttpHelpers,
  deps: {
    store: SpecStore;
    ingester: SpecIngester;
    capabilities: CapabilityService;
    /** Limits how often one caller reads one capability's spec now. */
    refreshLimit: RequestHandler;
  },
) {
  const { callerOf, entityOf, audited, writeContext } = http;
  const { store, ingester, capabilities } = deps;

  router.get('/specs/:kind/:namespace/:name', async (req, res) => {
    const entity = await entityOf(req, await callerOf(req));
    const entityRef = stringifyEntityRef(entity);
    // A spec never read yet says so; reading it is the scheduled pass's or a
    // refresh's job, never a GET's.
    const status = await store.getReadStatus(entityRef);
    const body: EntitySpecResponse = {
      entityRef,
      specLocation: entity.metadata.annotations?.[ANNOTATION_HANDOFF_SPEC],
      readError: status?.readError,
      readAt: status?.readAt,
      latest: shownSource(await store.latestSpec(entityRef), entity),
    };
    res.json(body);
  });

  router.get('/specs/:kind/:namespace/:name/versions', async (req, res) => {
    const entity = await entityOf(req, await callerOf(req));
    res.json({
      items: (await store.listSpecVersions(stringifyEntityRef(entity))).map(v =>
        shownSource(v, entity),
      ),
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
      res.json(shownSource(found, entity));
    },
  );

  router.get('/specs/:kind/:namespace/:name/diff', async (req, res) => {
    const query = parseInput(diffQuery, req.query, 'query');
    const entity = await entityOf(req, await callerOf(req));
    res.json(
      await capabilities.diff(stringifyEntityRef(entity), query.from, query.to),
    );
  });

  router.post(
    '/specs/:kind/:namespace/:name/refresh',
    deps.refreshLimit,
    async (req, res) => {
      const { entity, entityRef, caller } = await writeContext(
        req,
        undefined,
        handoffSpecRefreshPermission,
      );
      const result = await audited(req, 'spec-refresh', { entityRef }, () =>
        ingester.ingestEntity(entity, { readBy: caller.ref }),
      );
      // A refresh reads the file in full (no previous version is given).
      let body: SpecRefreshResponse;
      if (result.status === 'unreadable') {
        body = { status: result.status, error: result.error };
      } else if (result.status === 'not-modified') {
        const latest = await store.latestSpec(entityRef);
        body = {
          status: 'unchanged',
          version: latest?.version,
          valid: latest?.valid,
        };
      } else {
        body = {
          status: result.status,
          version: result.version.version,
          valid: result.version.valid,
        };
      }
      res.json(body);
    },
  );
}
