import {
  AuditorService,
  AuthService,
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
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ANNOTATION_HANDOFF_SPEC,
  ANNOTATION_HANDOFF_STAGE,
  CapabilityListResponse,
  DecisionResponse,
  HandoffPacket,
  handoffPacketMarkdown,
  EntitySpecResponse,
  SpecDiffResponse,
  SpecRefreshResponse,
  approvalRequestSchema,
  auditQuerySchema,
  checkResultRequestSchema,
  decisionRequestSchema,
  registrationRequestSchema,
  handoffCapabilityRegisterPermission,
  diffSpecArtifacts,
  handoffApprovalCreatePermission,
  handoffAuditReadPermission,
  handoffCheckCreatePermission,
  handoffDecisionCreatePermission,
  handoffSpecRefreshPermission,
  handoffTransferAcceptPermission,
  PortfolioOwnersResponse,
  PortfolioPage,
  portfolioFilterSchema,
  portfolioQuerySchema,
} from '@handoff/backstage-plugin-handoff-common';
import { JsonObject } from '@backstage/types';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { PortfolioAudit } from '../audit/PortfolioAudit';
import { EntityProjection } from '../catalog/EntityProjection';
import { SpecIngester } from '../catalog/SpecIngester';
import { DecisionRecord, HandoffStore } from '../database/HandoffStore';
import { WorkflowService } from './WorkflowService';
import { catalogCredentials } from './catalogCredentials';
import { parseInput } from './parseInput';
import { streamCsv } from './streamCsv';
import { summarizeReadiness } from './readiness';

const entityParams = z.object({
  kind: z.string().min(1),
  namespace: z.string().min(1),
  name: z.string().min(1),
});

const versionParams = entityParams.extend({
  version: z.coerce.number().int().positive(),
});

const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

function toDecisionResponse(record: DecisionRecord): DecisionResponse {
  const { exceptionJustification, ...rest } = record;
  return {
    ...rest,
    ...(exceptionJustification && {
      exception: { justification: exceptionJustification },
    }),
  };
}

const capabilitiesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(10_000).optional(),
  q: z.string().trim().min(1).max(200).optional(),
});

/** The entity fields a capability list needs. */
const CAPABILITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'relations',
];

const packetQuery = z.strictObject({
  format: z.enum(['json', 'markdown']).default('json'),
});

const diffQuery = z.strictObject({
  from: z.coerce.number().int().positive(),
  to: z.coerce.number().int().positive(),
});

export type RouterOptions = {
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  store: HandoffStore;
  ingester: SpecIngester;
  workflow: WorkflowService;
  portfolio: PortfolioAudit;
  projection: EntityProjection;
};

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    auth,
    httpAuth,
    permissions,
    auditor,
    catalog,
    store,
    ingester,
    workflow,
    portfolio,
    projection,
  } = options;
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

  /** Parses the body, finds the entity and checks the permission: the start of every write. */
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
    const entity = await entityOf(req, credentials);
    const entityRef = stringifyEntityRef(entity);
    await authorizeWrite(req, credentials, permission, entityRef);
    return {
      entity,
      entityRef,
      body,
      caller: await workflow.callerOf(credentials),
    };
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/capabilities', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(capabilitiesQuery, req.query, 'query');
    const page = await catalog.queryEntities(
      query.cursor
        ? {
            cursor: query.cursor,
            limit: query.limit,
            fields: CAPABILITY_FIELDS,
          }
        : {
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
            orderFields: { field: 'metadata.name', order: 'asc' },
            limit: query.limit,
            fields: CAPABILITY_FIELDS,
            ...(query.q && {
              fullTextFilter: {
                term: query.q,
                fields: ['metadata.name', 'metadata.title'],
              },
            }),
          },
      { credentials: await catalogCredentials(auth, credentials) },
    );
    const latest = await store.latestDecisions(
      page.items.map(e => stringifyEntityRef(e)),
    );
    const body: CapabilityListResponse = {
      items: page.items.map(e =>
        summarizeReadiness(e, latest.get(stringifyEntityRef(e))),
      ),
      totalItems: page.totalItems,
      ...(page.pageInfo.nextCursor && { nextCursor: page.pageInfo.nextCursor }),
    };
    res.json(body);
  });

  router.get('/readiness/:kind/:namespace/:name', async (req, res) => {
    const credentials = await callerOf(req);
    const entity = await entityOf(req, credentials);
    res.json(await workflow.readiness(entity, credentials));
  });

  router.get('/packet/:kind/:namespace/:name', async (req, res) => {
    const { format } = parseInput(packetQuery, req.query, 'query');
    const credentials = await callerOf(req);
    const entity = await entityOf(req, credentials);
    const entityRef = stringifyEntityRef(entity);
    const packet: HandoffPacket = {
      generatedAt: new Date().toISOString(),
      readiness: await workflow.readiness(entity, credentials),
      spec: await store.latestSpec(entityRef),
      decisions: (await store.listDecisions(entityRef)).map(toDecisionResponse),
      checks: await store.listChecks(entityRef, 1000),
    };
    const file = `handoff-${entity.metadata.name}.${
      format === 'markdown' ? 'md' : 'json'
    }`;
    res.setHeader('Content-Disposition', `attachment; filename="${file}"`);
    if (format === 'markdown') {
      res.type('text/markdown').send(handoffPacketMarkdown(packet));
    } else {
      res.json(packet);
    }
  });

  router.get('/decisions/:kind/:namespace/:name', async (req, res) => {
    const entity = await entityOf(req, await callerOf(req));
    const history = await store.listDecisions(stringifyEntityRef(entity));
    res.json({ items: history.map(toDecisionResponse) });
  });

  router.post('/decisions/:kind/:namespace/:name', async (req, res) => {
    const { entity, entityRef, body, caller } = await writeContext(
      req,
      decisionRequestSchema,
      handoffDecisionCreatePermission,
      true,
    );
    const record = await audited(
      req,
      'decision',
      {
        entityRef,
        decision: body.decision,
        exception: Boolean(body.exception),
      },
      () => workflow.decide(entity, caller, body),
    );
    await projection.projectEntity(entity);
    res.status(201).json(toDecisionResponse(record));
  });

  router.get('/approvals/:kind/:namespace/:name', async (req, res) => {
    const entity = await entityOf(req, await callerOf(req));
    const entityRef = stringifyEntityRef(entity);
    const latest = await store.latestDecision(entityRef);
    res.json({
      items: await store.listApprovals(entityRef, latest?.sequence ?? 0),
    });
  });

  router.post('/approvals/:kind/:namespace/:name', async (req, res) => {
    const { entity, entityRef, body, caller } = await writeContext(
      req,
      approvalRequestSchema,
      handoffApprovalCreatePermission,
      true,
    );
    const approval = await audited(
      req,
      'approval',
      { entityRef, decision: body.decision, role: body.role },
      () => workflow.approve(entity, caller, body),
    );
    res.status(201).json(approval);
  });

  router.post('/transfer/:kind/:namespace/:name/accept', async (req, res) => {
    const { entity, entityRef, caller } = await writeContext(
      req,
      undefined,
      handoffTransferAcceptPermission,
      true,
    );
    const transfer = await audited(req, 'transfer-accept', { entityRef }, () =>
      workflow.acceptTransfer(entity, caller),
    );
    res.json(transfer);
  });

  router.get('/checks/:kind/:namespace/:name', async (req, res) => {
    const { limit } = parseInput(historyQuery, req.query, 'query');
    const entity = await entityOf(req, await callerOf(req));
    const entityRef = stringifyEntityRef(entity);
    res.json({
      latest: await store.latestChecks(entityRef),
      history: await store.listChecks(entityRef, limit),
    });
  });

  router.post('/checks/:kind/:namespace/:name', async (req, res) => {
    const { entity, entityRef, body, caller } = await writeContext(
      req,
      checkResultRequestSchema,
      handoffCheckCreatePermission,
    );
    const check = await audited(
      req,
      'check-result',
      { entityRef, check: body.name, status: body.status },
      () => workflow.recordCheck(entity, caller, body),
    );
    res.status(201).json(check);
  });

  router.post('/registrations', async (req, res) => {
    // People only: the scaffolder calls on behalf of the user who ran the
    // template, so the actor is always that user, never a field of the body.
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(registrationRequestSchema, req.body ?? {}, 'body');
    const entity = await catalog.getEntityByRef(body.entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${body.entityRef} in the catalog (yet): a capability is registered once the catalog has it`,
      );
    }
    const entityRef = stringifyEntityRef(entity);
    await authorizeWrite(
      req,
      credentials,
      handoffCapabilityRegisterPermission,
      entityRef,
    );
    const caller = await workflow.callerOf(credentials);
    const record = await audited(
      req,
      'capability-register',
      { entityRef },
      async () => {
        await workflow.assertRegistrable(entity);
        await ingester.ingestEntity(entity);
        return workflow.register(entity, caller);
      },
    );
    res.status(201).json(toDecisionResponse(record));
  });

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

  router.get('/portfolio', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(portfolioQuerySchema, req.query, 'query');
    await authorize(credentials, handoffAuditReadPermission);
    const body: PortfolioPage = {
      ...(await portfolio.page(query)),
      offset: query.offset,
      limit: query.limit,
    };
    res.json(body);
  });

  router.get('/portfolio/facets', async (req, res) => {
    const credentials = await callerOf(req);
    const filter = parseInput(portfolioFilterSchema, req.query, 'query');
    await authorize(credentials, handoffAuditReadPermission);
    res.json(await portfolio.facets(filter));
  });

  router.get('/portfolio/owners', async (req, res) => {
    const credentials = await callerOf(req);
    const filter = parseInput(portfolioFilterSchema, req.query, 'query');
    await authorize(credentials, handoffAuditReadPermission);
    const body: PortfolioOwnersResponse = {
      items: await portfolio.owners(filter),
    };
    res.json(body);
  });

  router.get('/portfolio.csv', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(
      portfolioQuerySchema.omit({ offset: true, limit: true }),
      req.query,
      'query',
    );
    await authorize(credentials, handoffAuditReadPermission);
    async function* pages() {
      for await (const rows of portfolio.allRows(query)) {
        yield rows.map(row => ({
          ...row,
          missingArtifacts: row.missingArtifacts.join(' '),
          gaps: row.gaps.join(' '),
        }));
      }
    }
    await streamCsv(
      res,
      'handoff-portfolio.csv',
      [
        'entityRef',
        'kind',
        'title',
        'owner',
        'ownerResolves',
        'stage',
        'riskTier',
        'nextReviewAt',
        'specState',
        'operatingOwner',
        'missingArtifacts',
        'failingChecks',
        'gaps',
      ],
      pages(),
    );
  });

  router.get('/specs/:kind/:namespace/:name', async (req, res) => {
    const entity = await entityOf(req, await callerOf(req));
    const entityRef = stringifyEntityRef(entity);
    const specLocation = entity.metadata.annotations?.[ANNOTATION_HANDOFF_SPEC];
    // A spec never read yet says so; reading it is the scheduled pass's or a
    // refresh's job, never a GET's.
    const status = await store.getReadStatus(entityRef);
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
    const { entity, entityRef } = await writeContext(
      req,
      undefined,
      handoffSpecRefreshPermission,
    );
    const result = await audited(req, 'spec-refresh', { entityRef }, () =>
      ingester.ingestEntity(entity),
    );
    const body: SpecRefreshResponse =
      result.status === 'unreadable'
        ? { status: result.status, error: result.error }
        : {
            status: result.status,
            version: result.version.version,
            valid: result.version.valid,
          };
    res.json(body);
  });

  return router;
}
