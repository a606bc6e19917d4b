import {
  AuthService,
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ApprovalRequest,
  DecisionRequest,
  ANNOTATION_HANDOFF_NEXT_REVIEW,
  GateInput,
  GateResult,
  ReadinessSummary,
  REVIEWING_DECISIONS,
  registeredReviewDate,
  stageAfter,
  stillToWrite,
  allowedDecisions,
  evaluateGate,
  REVIEW_CADENCE_DAYS,
  RiskLevel,
  actsFor,
  countWork,
  approvalRoleRef,
  reviewRequiredBy,
  firstReviewDate,
  mayAcceptTransfer,
  nextReviewDate,
  normalizeOwnerRef,
  normalizeRole,
  riskTier,
  SlaClock,
  slaClock,
  slaFor,
  Stage,
} from '@handoff/backstage-plugin-handoff-common';
import { LoadedGatePolicy } from '@handoff/backstage-plugin-handoff-node';
import { HandoffMetrics } from './metrics';
import { HandoffStore } from '../database/HandoffStore';
import { CapabilityContexts } from './CapabilityContexts';
import { summarizeReadiness } from './readiness';
import {
  WorkContext,
  handOffWork,
  hardenWork,
  nextChangeWork,
} from './workItems';
import { NewWorkItem } from '../database/DatabaseWorkStore';

/** Who is calling, as far as the workflow cares. */
export type Caller = {
  credentials: BackstageCredentials;
  /** The user's entity ref, or the service's subject. */
  ref: string;
  /** The user and the groups they belong to (empty for services). */
  ownership: string[];
};

/**
 * A review's measurements name success criteria of the spec it judges;
 * anything else is refused with the criteria it may name.
 */
function checkKpis(
  kpis: Array<{ metric: string }> | undefined,
  criteria: Array<{ metric: string }> = [],
) {
  const known = new Map(
    criteria.map(c => [c.metric.trim().toLocaleLowerCase('en-US'), c.metric]),
  );
  kpis?.forEach((k, i) => {
    if (!known.has(k.metric.trim().toLocaleLowerCase('en-US'))) {
      throw new InputError(
        `readout.kpis[${i}].metric: "${
          k.metric
        }" is not a success criterion of the spec; ${
          known.size
            ? `its criteria are: ${[...known.values()].join('; ')}`
            : 'the spec names none'
        }`,
      );
    }
  });
}

/** The readiness workflow: gates, decisions, approvals, transfers and checks. */
export class WorkflowService {
  private readonly contexts: CapabilityContexts;

  constructor(
    private readonly deps: {
      store: HandoffStore;
      catalog: CatalogService;
      auth: AuthService;
      userInfo: UserInfoService;
      complianceApprovers: string[];
      /** Who may grant exceptions when the gate policy names nobody for the tier. */
      exceptionApprovers?: string[];
      /** Separation of duties (handoff.separationOfDuties, on by default). */
      separationOfDuties?: boolean;
      /** The gate policy (handoff.policy, else the default) and its hash. */
      gatePolicy?: LoadedGatePolicy;
      /** Counts decisions and acceptances for OpenTelemetry. */
      metrics?: Pick<HandoffMetrics, 'decisionRecorded' | 'transferAccepted'>;
    },
  ) {
    this.contexts = new CapabilityContexts(deps);
  }

  async callerOf(
    credentials: BackstageCredentials<
      BackstageUserPrincipal | BackstageServicePrincipal
    >,
  ): Promise<Caller> {
    if (credentials.principal.type === 'user') {
      const info = await this.deps.userInfo.getUserInfo(credentials);
      return {
        credentials,
        ref: info.userEntityRef,
        ownership: info.ownershipEntityRefs,
      };
    }
    return { credentials, ref: credentials.principal.subject, ownership: [] };
  }

  /** Where the entity stands, with the gate of every decision its stage allows. */
  async readiness(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<ReadinessSummary> {
    // The gates are shown as they would judge the viewer recording a decision.
    const viewer = this.deps.auth.isPrincipal(credentials, 'user')
      ? await this.callerOf(credentials)
      : undefined;
    const ctx = await this.contexts.load(entity, credentials, viewer);
    const base = summarizeReadiness(entity, ctx.latest);
    // A stopped capability, decided or registered so, is not reviewed.
    const nextReviewAt =
      ctx.stage === 'stopped'
        ? undefined
        : await this.scheduledReview(ctx, entity);
    const decisions = await this.deps.store.listDecisions(ctx.entityRef);
    const lastReview = [...decisions]
      .reverse()
      .find(d => d.decision === 'review');
    const stagesVisited = [
      ...new Set(
        decisions.flatMap(d =>
          d.fromStage ? [d.fromStage, d.toStage] : [d.toStage],
        ),
      ),
    ];
    const failingChecks = ctx.checks
      .filter(c => c.status === 'fail')
      .map(c => c.name);
    const tier = ctx.spec.rulesSpec
      ? riskTier(ctx.spec.rulesSpec.risk)
      : undefined;
    return {
      ...base,
      stage: ctx.stage,
      nextReviewAt,
      overdue: Boolean(
        nextReviewAt && new Date(nextReviewAt).getTime() < Date.now(),
      ),
      lastReview: lastReview && {
        sequence: lastReview.sequence,
        at: lastReview.createdAt,
        by: lastReview.actor,
      },
      reviewRequired: reviewRequiredBy(ctx.checks),
      work: countWork(await this.deps.store.listWorkItems(ctx.entityRef)),
      sequence: ctx.sequence,
      specVersion: ctx.spec.version?.version,
      specValid: ctx.spec.state === 'valid',
      gates: allowedDecisions(ctx.stage).map(d => this.gate(ctx.gateInput(d))),
      reviewWithinDays:
        this.reviewCadence()[riskTier(ctx.spec.rulesSpec?.risk)],
      exceptionGrantors: this.exceptionGrantors(
        riskTier(ctx.spec.rulesSpec?.risk),
      ),
      stagesVisited,
      transfer: ctx.transfer,
      failingChecks,
      operatingOwner: ctx.spec.spec?.owners?.operatingOwner,
      supportPath: ctx.spec.spec?.owners?.supportPath,
      riskTier: tier,
      sla: this.slaWaited(ctx, tier),
      successCriteria: ctx.spec.spec?.successCriteria?.map(c => ({
        metric: c.metric,
        target: c.target,
        unit: c.unit,
      })),
      // What the spec still lacks before the decisions ahead, in words.
      stillToWrite:
        ctx.spec.state === 'valid'
          ? stillToWrite(ctx.spec.spec, ctx.stage, this.deps.gatePolicy?.policy)
          : undefined,
    };
  }

  /** The turnaround the policy promises that this capability waits for. */
  private slaWaited(
    ctx: {
      stage: Stage;
      latest?: { createdAt: string };
      transfer?: { status: string; createdAt: string };
    },
    tier: RiskLevel | undefined,
  ): SlaClock | undefined {
    const policy = this.deps.gatePolicy?.policy;
    const sla = policy && ctx.latest && slaFor(policy, tier, ctx.stage);
    if (!sla) return undefined;
    const since =
      sla.kind === 'readinessReview'
        ? ctx.latest!.createdAt
        : ctx.transfer?.status === 'pending' && ctx.transfer.createdAt;
    return since ? slaClock(sla, new Date(since), new Date()) : undefined;
  }

  /**
   * What hardening still has to bring: the ids of the requirements the
   * hand-off gate lacks now, as the plugin itself sees the capability.
   */
  async handOffGaps(entity: Entity): Promise<Set<string>> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const ctx = await this.contexts.load(entity, credentials);
    const gate = this.gate({
      ...ctx.gateInput('hand-off'),
      fromStage: 'hardening',
    });
    return new Set(gate.requirements.filter(r => !r.met).map(r => r.id));
  }

  /**
   * Who may grant exceptions for a capability of this tier: the gate
   * policy's grantors, else the configured exception approvers (empty: anyone
   * holding the permission).
   */
  exceptionGrantors(tier: RiskLevel): string[] {
    return (
      this.deps.gatePolicy?.policy.exceptions?.grantors?.[tier] ??
      this.deps.exceptionApprovers ??
      []
    ).map(normalizeOwnerRef);
  }

  /**
   * Every requirement of the gates the capability's stage allows, as the
   * plugin judges them (no recorder), and its tier: what an exception may be
   * requested for.
   */
  async gateRequirements(entity: Entity, credentials: BackstageCredentials) {
    const ctx = await this.contexts.load(entity, credentials);
    return {
      entityRef: ctx.entityRef,
      tier: riskTier(ctx.spec.rulesSpec?.risk),
      requirements: allowedDecisions(ctx.stage).flatMap(
        d => this.gate(ctx.gateInput(d)).requirements,
      ),
    };
  }

  /** A decision's gate under the configured policy, stamped with the policy's hash. */
  private gate(input: GateInput): GateResult {
    const loaded = this.deps.gatePolicy;
    const result = evaluateGate(input, loaded?.policy);
    return loaded ? { ...result, policy: { hash: loaded.hash } } : result;
  }

  /** The turnarounds the gate policy promises, in working days per tier. */
  slaPolicy() {
    return this.deps.gatePolicy?.policy.sla;
  }

  /** Days between reviews per risk tier, under the gate policy. */
  reviewCadence() {
    return (
      this.deps.gatePolicy?.policy.reviewCadenceDays ?? REVIEW_CADENCE_DAYS
    );
  }

  /**
   * When the capability is due for review: its latest decision's date, else
   * one cadence after its spec was first seen, or the registered date when
   * that is earlier.
   */
  private async scheduledReview(
    ctx: {
      entityRef: string;
      latest?: { nextReviewAt?: string };
      spec: { version?: { document?: Record<string, unknown> } };
    },
    entity: Entity,
  ): Promise<string | undefined> {
    if (ctx.latest) return ctx.latest.nextReviewAt;
    const firstSpec = ctx.spec.version
      ? await this.deps.store.getSpecVersion(ctx.entityRef, 1)
      : undefined;
    return registeredReviewDate(
      firstSpec &&
        firstReviewDate(
          firstSpec.firstSeenAt,
          ctx.spec.version?.document,
          this.reviewCadence(),
        ),
      entity.metadata.annotations?.[ANNOTATION_HANDOFF_NEXT_REVIEW],
    )?.toISOString();
  }

  /** Records a decision if the stage allows it, the caller saw the latest state and the gate is met. */
  async decide(entity: Entity, caller: Caller, request: DecisionRequest) {
    const started = performance.now();
    const ctx = await this.contexts.load(entity, caller.credentials, caller);
    checkKpis(request.readout?.kpis, ctx.spec.spec?.successCriteria);
    if (request.expectedSequence !== ctx.sequence) {
      throw new ConflictError(
        `The capability changed since you looked: the latest decision is number ${ctx.sequence}, not ${request.expectedSequence}. Reload and decide again.`,
      );
    }
    if (
      request.specVersion !== undefined &&
      request.specVersion !== ctx.spec.version?.version
    ) {
      throw new ConflictError(
        `The spec changed since you looked: the latest version is ${
          ctx.spec.version?.version ?? 'none'
        }, not ${request.specVersion}.`,
      );
    }
    const allowed = allowedDecisions(ctx.stage);
    if (!allowed.includes(request.decision)) {
      throw new ConflictError(
        `Cannot ${request.decision} from ${ctx.stage}; allowed: ${
          allowed.join(', ') || 'none (the capability is stopped)'
        }`,
      );
    }
    const gate = this.gate(ctx.gateInput(request.decision));
    const unmet = gate.requirements.filter(r => !r.met);
    const notYours = unmet.find(r =>
      ['separation-of-duties', 'owner-reviews'].includes(r.id),
    );
    if (notYours) throw new NotAllowedError(notYours.reason);
    if (!gate.met) {
      throw new ConflictError(
        `The gate for ${request.decision} is not met: ${unmet
          .map(r => `${r.description} (${r.reason})`)
          .join(
            '; ',
          )}. Meet it, or request an exception for a requirement on the Handoff tab: another person grants it.`,
      );
    }
    const waivedBy = gate.requirements
      .filter(r => r.exception?.status === 'granted')
      .map(r => ctx.exceptions.find(e => e.id === r.exception!.id)!);
    const chosenReview = this.nextReview(
      request,
      riskTier(ctx.spec.rulesSpec?.risk),
    );
    // Only a review, harden, reframe or stop clears an overdue review: moving
    // a capability on keeps the date that has passed.
    const scheduled = await this.scheduledReview(ctx, entity);
    const keepsOverdue =
      !REVIEWING_DECISIONS.includes(request.decision) &&
      scheduled !== undefined &&
      Date.parse(scheduled) < Date.now();
    const nextReviewAt = keepsOverdue ? new Date(scheduled) : chosenReview;
    const operatingOwner = ctx.spec.spec?.owners?.operatingOwner;
    const transferTo =
      request.decision === 'hand-off' && operatingOwner
        ? normalizeOwnerRef(operatingOwner)
        : undefined;
    if (request.decision === 'hand-off' && !transferTo) {
      throw new ConflictError(
        'A hand-off needs an operating owner in the spec (owners.operatingOwner)',
      );
    }
    const nextReview =
      request.decision === 'stop' ? undefined : nextReviewAt.toISOString();
    const work = this.workOf(
      request,
      {
        entity,
        entityRef: ctx.entityRef,
        spec: ctx.spec.spec,
        specVersion: ctx.spec.version?.version,
        decisionSequence: ctx.sequence + 1,
        dueAt: nextReview,
      },
      {
        gate,
        transferTo,
        // What hardening must bring: the hand-off gate as it stands.
        handOffGate: () =>
          this.gate({ ...ctx.gateInput('hand-off'), fromStage: 'hardening' }),
      },
    );
    const record = await this.deps.store.appendDecision({
      entityRef: ctx.entityRef,
      decision: request.decision,
      fromStage: ctx.stage,
      toStage: stageAfter(request.decision, ctx.stage),
      actor: caller.ref,
      rationale: request.rationale,
      // A stopped capability is not reviewed again.
      nextReviewAt: nextReview,
      specVersion: ctx.spec.version?.version,
      gate,
      // The exceptions the decision stands on: their justifications, and when
      // the first of them ends.
      exceptionJustification: waivedBy.length
        ? waivedBy
            .map(
              e =>
                `${e.requirementDescription}: ${e.justification} (exception ${e.id}, granted by ${e.answeredBy} until ${e.until})`,
            )
            .join('\n')
        : undefined,
      exceptionExpiresAt: waivedBy.length
        ? new Date(
            Date.parse(`${waivedBy.map(e => e.until).sort()[0]}T00:00:00Z`) +
              86_400_000,
          ).toISOString()
        : undefined,
      expectedSequence: ctx.sequence,
      transferTo,
      readout: request.readout,
      work,
    });
    if (!record) {
      throw new ConflictError(
        'Another decision was recorded at the same moment. Reload and decide again.',
      );
    }
    this.deps.metrics?.decisionRecorded(
      request.decision,
      ctx.spec.rulesSpec ? riskTier(ctx.spec.rulesSpec.risk) : undefined,
      (performance.now() - started) / 1000,
    );
    return record;
  }

  /** The work a decision implies, written in the decision's transaction. */
  private workOf(
    request: DecisionRequest,
    ctx: WorkContext,
    at: {
      gate: GateResult;
      transferTo?: string;
      handOffGate: () => GateResult;
    },
  ): NewWorkItem[] {
    if (request.decision === 'hand-off' && at.transferTo) {
      return handOffWork(ctx, {
        receivingOwner: at.transferTo,
        gate: at.gate,
        policyHash: this.deps.gatePolicy?.hash,
      });
    }
    if (request.decision === 'harden') {
      return hardenWork(ctx, at.handOffGate(), this.deps.gatePolicy?.policy);
    }
    if (request.decision === 'review' && request.readout) {
      return nextChangeWork(ctx, request.readout);
    }
    return [];
  }

  /** The next review: the tier's cadence by default, or a chosen date between tomorrow and the cadence. */
  private nextReview(request: DecisionRequest, tier: RiskLevel): Date {
    const latest = nextReviewDate(new Date(), tier, this.reviewCadence());
    if (!request.nextReviewAt) return latest;
    const chosen = new Date(`${request.nextReviewAt}T00:00:00Z`);
    if (chosen.getTime() <= Date.now()) {
      throw new InputError('nextReviewAt: must be tomorrow or later');
    }
    if (chosen.getTime() > latest.getTime()) {
      throw new InputError(
        `nextReviewAt: a ${tier}-risk capability is reviewed at least every ${
          this.reviewCadence()[tier]
        } days, so by ${latest.toISOString().slice(0, 10)} at the latest`,
      );
    }
    return chosen;
  }

  /** Records an approval by someone entitled to give it. */
  async approve(entity: Entity, caller: Caller, request: ApprovalRequest) {
    const ctx = await this.contexts.load(entity, caller.credentials);
    if (!allowedDecisions(ctx.stage).includes(request.decision)) {
      throw new ConflictError(
        `Nothing to approve: ${request.decision} is not possible from ${ctx.stage}`,
      );
    }
    const role = normalizeRole(request.role);
    // Only an approval the gate asks for, under the policy, is recorded.
    const asked = this.gate(ctx.gateInput(request.decision)).requirements.some(
      r => r.approval && normalizeRole(r.approval.role) === role,
    );
    if (!asked) {
      throw new ConflictError(
        `The gate for ${request.decision} asks for no ${
          role === 'accountable' || role === 'compliance'
            ? `${role} approval`
            : `approval by ${role}`
        } for this capability`,
      );
    }
    const accountable = ctx.spec.spec?.owners?.raci?.accountable;
    const mine = [caller.ref, ...caller.ownership];
    let entitled: boolean;
    if (role === 'accountable') {
      entitled = Boolean(accountable && actsFor(accountable, mine));
    } else if (role === 'compliance') {
      entitled = this.deps.complianceApprovers.some(g => actsFor(g, mine));
    } else {
      entitled = actsFor(role, mine);
    }
    if (!entitled) {
      let who = `members of ${role}`;
      if (role === 'accountable') {
        who = `the accountable owner (${
          accountable ? normalizeOwnerRef(accountable) : 'not named in the spec'
        })`;
      } else if (role === 'compliance') {
        who = `members of ${
          this.deps.complianceApprovers.join(', ') ||
          'the configured compliance approvers'
        }`;
      }
      throw new NotAllowedError(`Only ${who} may give this approval`);
    }
    const approval = await this.deps.store.addApproval({
      entityRef: ctx.entityRef,
      decisionSequence: ctx.sequence,
      decision: request.decision,
      role,
      approver: caller.ref,
      roleRef: approvalRoleRef(
        role,
        ctx.spec.spec,
        this.deps.complianceApprovers,
      ),
      specVersion: ctx.spec.version?.version,
      comment: request.comment,
    });
    if (!approval) {
      throw new ConflictError(
        `The ${request.role} approval for ${request.decision} is already recorded`,
      );
    }
    return approval;
  }

  /** The receiving operating owner accepts the hand-off. */
  async acceptTransfer(entity: Entity, caller: Caller) {
    const entityRef = stringifyEntityRef(entity);
    const transfer = await this.deps.store.latestTransfer(entityRef);
    if (!transfer || transfer.status !== 'pending') {
      throw new ConflictError(`${entityRef} has no pending ownership transfer`);
    }
    // Any decision that moved the stage since the hand-off cancelled its
    // transfer; reviews in handed-off keep it.
    const handOff = (await this.deps.store.listDecisions(entityRef)).find(
      d => d.sequence === transfer.decisionSequence,
    );
    const { stage } = await this.contexts.stage(entity);
    if (handOff?.decision !== 'hand-off' || stage !== 'handed-off') {
      throw new ConflictError(
        `${entityRef} has no pending ownership transfer for its latest hand-off`,
      );
    }
    if (
      this.deps.separationOfDuties !== false &&
      normalizeOwnerRef(handOff.actor) === normalizeOwnerRef(caller.ref)
    ) {
      throw new NotAllowedError(
        'Separation of duties: whoever recorded the hand-off cannot accept it on the receiving side',
      );
    }
    if (!mayAcceptTransfer(transfer, [caller.ref, ...caller.ownership])) {
      throw new NotAllowedError(
        `Only ${transfer.toOwner} (or its members) may accept this hand-off`,
      );
    }
    const accepted = await this.deps.store.acceptTransfer(
      entityRef,
      transfer.decisionSequence,
      caller.ref,
    );
    if (!accepted) {
      throw new ConflictError(
        'The transfer was accepted by someone else at the same moment',
      );
    }
    this.deps.metrics?.transferAccepted(
      transfer.createdAt,
      new Date().toISOString(),
    );
    // The catalog module marks the capability as run by its new owner at
    // the entity's next processing: ask for it now (best effort).
    this.deps.auth
      .getOwnServiceCredentials()
      .then(credentials =>
        this.deps.catalog.refreshEntity(entityRef, { credentials }),
      )
      .catch(() => undefined);
    return accepted;
  }
}
