import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  approvalRequestSchema,
  checkResultRequestSchema,
  decisionRequestSchema,
  handoffApprovalCreatePermission,
  handoffCapabilityRegisterPermission,
  handoffCheckCreatePermission,
  handoffDecisionCreatePermission,
  handoffPacketMarkdown,
  handoffTransferAcceptPermission,
  handoffWorkUpdatePermission,
  normalizeOwnerRef,
  registrationRequestSchema,
  workItemUpdateSchema,
  kpiHistory,
} from '@handoff/backstage-plugin-handoff-common';
import { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { SpecIngester } from '../../catalog/SpecIngester';
import { HandoffStore } from '../../database/HandoffStore';
import { CapabilityService } from '../CapabilityService';
import { CheckService } from '../CheckService';
import { RegistrationService } from '../RegistrationService';
import { HttpHelpers, toDecisionResponse } from '../http';
import { idParams, parseInput } from '../parseInput';
import { Caller, WorkflowService } from '../WorkflowService';
import { WorkService } from '../WorkService';

const capabilitiesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(10_000).optional(),
  q: z.string().trim().min(1).max(200).optional(),
});

const packetQuery = z.strictObject({
  format: z.enum(['json', 'markdown']).default('json'),
});

const workItemParams = idParams('a work item number');

const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/**
 * Where a static token (by its subject) may post check results: entities
 * owned by one of `owners`, of one of `kinds`, or both when both are given.
 */
export type TokenReach = {
  subject: string;
  owners?: string[];
  kinds?: string[];
};

function assertTokenReach(reach: TokenReach[], caller: Caller, entity: Entity) {
  // People are decided by the permission policy; tokens by their subject.
  if (caller.ref.startsWith('user:')) return;
  const mine = reach.find(r => r.subject === caller.ref);
  if (!mine) return;
  const owner = entity.relations?.find(
    r => r.type === RELATION_OWNED_BY,
  )?.targetRef;
  const lower = (v: string) => v.toLocaleLowerCase('en-US');
  const ownerOk =
    !mine.owners ||
    (owner !== undefined &&
      mine.owners.map(o => lower(normalizeOwnerRef(o))).includes(lower(owner)));
  const kindOk =
    !mine.kinds || mine.kinds.map(lower).includes(lower(entity.kind));
  if (!ownerOk || !kindOk) {
    throw new NotAllowedError(
      `The token ${caller.ref} posts check results only for ${[
        mine.owners && `entities owned by ${mine.owners.join(' or ')}`,
        mine.kinds && `entities of kind ${mine.kinds.join(' or ')}`,
      ]
        .filter(Boolean)
        .join(' and ')}`,
    );
  }
}

/** Capabilities, readiness, decisions, approvals, transfers, checks and registrations. */
export function workflowRoutes(
  router: Router,
  http: HttpHelpers,
  deps: {
    httpAuth: HttpAuthService;
    catalog: CatalogService;
    store: HandoffStore;
    ingester: SpecIngester;
    workflow: WorkflowService;
    capabilities: CapabilityService;
    checks: CheckService;
    registrations: RegistrationService;
    work: WorkService;
    /** Limits the check results one credential posts. */
    checkLimit: RequestHandler;
    /** Which entities each static token may post check results for. */
    tokenReach?: TokenReach[];
  },
) {
  const {
    callerOf,
    entityOf,
    capabilityOf,
    audited,
    writeContext,
    authorizeWrite,
  } = http;
  const { store, workflow, capabilities } = deps;

  router.get('/capabilities', async (req, res) => {
    const credentials = await callerOf(req);
    const query = parseInput(capabilitiesQuery, req.query, 'query');
    res.json(await capabilities.list(query, credentials));
  });

  router.get('/readiness/:kind/:namespace/:name', async (req, res) => {
    const credentials = await callerOf(req);
    const entity = await capabilityOf(req, credentials);
    res.json(await workflow.readiness(entity, credentials));
  });

  router.get('/packet/:kind/:namespace/:name', async (req, res) => {
    const { format } = parseInput(packetQuery, req.query, 'query');
    const credentials = await callerOf(req);
    const entity = await capabilityOf(req, credentials);
    const packet = await capabilities.packet(entity, credentials);
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

  router.get('/cycles/:kind/:namespace/:name', async (req, res) => {
    const entity = await entityOf(req, await callerOf(req));
    const entityRef = stringifyEntityRef(entity);
    const items = await capabilities.cycles(entityRef);
    const spec = (await store.latestSpecFacts(entityRef))?.spec;
    res.json({ items, kpis: kpiHistory(items, spec?.successCriteria) });
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
    // The decision's transaction also writes the audit's projection row.
    const record = await audited(
      req,
      'decision',
      { entityRef, decision: body.decision },
      () => workflow.decide(entity, caller, body),
    );
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

  router.post(
    '/checks/:kind/:namespace/:name',
    deps.checkLimit,
    async (req, res) => {
      const { entity, entityRef, body, caller } = await writeContext(
        req,
        checkResultRequestSchema,
        handoffCheckCreatePermission,
      );
      assertTokenReach(deps.tokenReach ?? [], caller, entity);
      const check = await audited(
        req,
        'check-result',
        { entityRef, check: body.name, status: body.status },
        () => deps.checks.recordCheck(entity, caller, body),
      );
      res.status(201).json(check);
    },
  );

  router.get('/work/:kind/:namespace/:name', async (req, res) => {
    const entity = await entityOf(req, await callerOf(req));
    res.json(await deps.work.list(entity));
  });

  router.patch('/work/:kind/:namespace/:name/:id', async (req, res) => {
    const { id } = parseInput(workItemParams, req.params, 'path');
    const { entity, entityRef, body, caller } = await writeContext(
      req,
      workItemUpdateSchema,
      handoffWorkUpdatePermission,
      true,
    );
    const item = await audited(
      req,
      'work-item',
      { entityRef, id, status: body.status },
      () => deps.work.update(entity, caller, id, body),
    );
    res.json(item);
  });

  router.post('/registrations', async (req, res) => {
    // People only: the scaffolder calls on behalf of the user who ran the
    // template, so the actor is always that user, never a field of the body.
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const body = parseInput(registrationRequestSchema, req.body ?? {}, 'body');
    const entity = await deps.catalog.getEntityByRef(body.entityRef, {
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
        await deps.registrations.assertRegistrable(entity);
        await deps.ingester.ingestEntity(entity, { readBy: caller.ref });
        return deps.registrations.register(entity, caller);
      },
    );
    res.status(201).json(toDecisionResponse(record));
  });
}
