import {
  Entity,
  RELATION_OWNED_BY,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  CheckResultResponse,
  GatePolicy,
  GateResult,
  HandoffSpec,
  ReviewReadout,
  normalizeOwnerRef,
} from '@handoff/backstage-plugin-handoff-common';
import { NewWorkItem } from '../database/DatabaseWorkStore';

/** Gate requirements that are about people, not work a team can do. */
const NOT_WORK = new Set([
  'separation-of-duties',
  'owner-reviews',
  'operated-by-builder',
  'review-required',
]);

/** What every item of one capability shares. */
export type WorkContext = {
  entity: Entity;
  entityRef: string;
  spec?: HandoffSpec;
  specVersion?: number;
  /** The decision's sequence (none for a breach). */
  decisionSequence?: number;
  /** When the work is due: the decision's next review. */
  dueAt?: string;
};

const displayName = (entity: Entity) =>
  entity.metadata.title ?? entity.metadata.name;

/** Where the capability's Handoff tab is, relative to the portal. */
export function handoffTabPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}/handoff`;
}

/** Responsible in the RACI, else the entity's owning group. */
export function assigneeOf(ctx: WorkContext): string | undefined {
  const responsible = ctx.spec?.owners?.raci?.responsible?.[0];
  if (responsible) return normalizeOwnerRef(responsible);
  const owner =
    ctx.entity.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef ??
    (typeof ctx.entity.spec?.owner === 'string'
      ? ctx.entity.spec.owner
      : undefined);
  return owner ? normalizeOwnerRef(owner) : undefined;
}

/** Consulted and informed, each once. */
function watchersOf(spec?: HandoffSpec): string[] {
  const raci = spec?.owners?.raci;
  return [
    ...new Set(
      [...(raci?.consulted ?? []), ...(raci?.informed ?? [])].map(
        normalizeOwnerRef,
      ),
    ),
  ];
}

function item(
  ctx: WorkContext,
  fields: Pick<NewWorkItem, 'source' | 'title' | 'body'> &
    Partial<Pick<NewWorkItem, 'cause' | 'specPaths' | 'assignee'>>,
  keyPart: string,
): NewWorkItem {
  const at =
    ctx.decisionSequence !== undefined
      ? `decision:${ctx.decisionSequence}`
      : 'check';
  return {
    key: `${ctx.entityRef}#${at}#${fields.source}:${keyPart}`.slice(0, 700),
    entityRef: ctx.entityRef,
    decisionSequence: ctx.decisionSequence,
    specVersion: ctx.specVersion,
    dueAt: ctx.dueAt,
    watchers: watchersOf(ctx.spec),
    specPaths: [],
    assignee: assigneeOf(ctx),
    ...fields,
  };
}

/**
 * A hand-off's work: the receiving owner takes the capability over, and each
 * entry of the spec's `deliveryWork` goes to its team.
 */
export function handOffWork(
  ctx: WorkContext,
  handOff: { receivingOwner: string; gate: GateResult; policyHash?: string },
): NewWorkItem[] {
  const name = displayName(ctx.entity);
  const met = handOff.gate.requirements.filter(r => r.met).length;
  const takeOver = item(
    ctx,
    {
      source: 'take-over',
      title: `Take over ${name}`,
      assignee: handOff.receivingOwner,
      body: [
        `${name} was handed off to ${handOff.receivingOwner}. Accept the hand-off on the capability's Handoff tab once your team runs it.`,
        `Hand-off packet: ${handoffTabPath(ctx.entityRef)}`,
        `Spec version: ${ctx.specVersion ?? 'none'}`,
        `Gate: ${met} of ${handOff.gate.requirements.length} requirements met${
          handOff.policyHash ? ` (policy ${handOff.policyHash})` : ''
        }`,
        ...handOff.gate.requirements.map(
          r => `- ${r.met ? 'met' : 'NOT met'}: ${r.description}`,
        ),
      ].join('\n'),
    },
    'take-over',
  );
  const delivery = (ctx.spec?.deliveryWork ?? []).map((work, i) =>
    item(
      ctx,
      {
        source: 'delivery',
        title: work.title,
        assignee: normalizeOwnerRef(work.team),
        specPaths: work.specPaths ?? [],
        cause: `deliveryWork[${i}]`,
        body: [
          work.description ?? work.title,
          `Moved to ${normalizeOwnerRef(
            work.team,
          )} when ${name} was handed off.`,
          ...(work.specPaths?.length
            ? [`Spec: ${work.specPaths.join(', ')}`]
            : []),
          `Capability: ${handoffTabPath(ctx.entityRef)}`,
        ].join('\n'),
      },
      String(i),
    ),
  );
  return [takeOver, ...delivery];
}

/** The spec paths a policy rule asks for, when it asks for an artifact. */
function rulePaths(policy: GatePolicy | undefined, ruleId: string): string[] {
  const artifact = policy?.rules.find(r => r.id === ruleId)?.require.artifact;
  if (!artifact) return [];
  return Array.isArray(artifact) ? artifact : [artifact];
}

/** Hardening: one item per requirement the hand-off gate still lacks. */
export function hardenWork(
  ctx: WorkContext,
  handOffGate: GateResult,
  policy?: GatePolicy,
): NewWorkItem[] {
  return handOffGate.requirements
    .filter(r => !r.met && !r.approval && !NOT_WORK.has(r.id))
    .map(r =>
      item(
        ctx,
        {
          source: 'harden',
          title: `Harden ${displayName(ctx.entity)}: ${r.description}`,
          cause: r.id,
          specPaths: rulePaths(policy, r.id),
          body: [
            `The hand-off gate needs: ${r.description}.`,
            `Now: ${r.reason}.`,
            `Rule: ${r.id}`,
            `Capability: ${handoffTabPath(ctx.entityRef)}`,
            'This item closes itself once the requirement is met.',
          ].join('\n'),
        },
        r.id,
      ),
    );
}

/** A review's "next change", as work for the next cycle. */
export function nextChangeWork(
  ctx: WorkContext,
  readout: ReviewReadout,
): NewWorkItem[] {
  return [
    item(
      ctx,
      {
        source: 'next-change',
        title: `Next change for ${displayName(ctx.entity)}`,
        body: [
          readout.nextChange,
          `Decided at the review of ${displayName(
            ctx.entity,
          )}; the next review checks it.`,
          `Capability: ${handoffTabPath(ctx.entityRef)}`,
        ].join('\n'),
      },
      'next-change',
    ),
  ];
}

/**
 * A failing drift or schema check: one item for the owner until it passes
 * (the store adds the failing result's id to its key).
 */
export function breachWork(
  ctx: WorkContext,
  check: Pick<CheckResultResponse, 'name' | 'kind' | 'details'>,
): NewWorkItem {
  return item(
    ctx,
    {
      source: 'breach',
      title: `Fix the ${check.kind} breach of ${displayName(ctx.entity)}: ${
        check.name
      }`,
      cause: check.name,
      body: [
        `The ${check.kind} check ${check.name} failed${
          check.details ? `: ${check.details}` : ''
        }.`,
        'This item closes itself when the check passes again.',
        `Capability: ${handoffTabPath(ctx.entityRef)}`,
      ].join('\n'),
    },
    check.name,
  );
}
