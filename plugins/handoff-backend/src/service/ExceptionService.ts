import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  EXCEPTION_STATUS_TITLES,
  ExceptionAnswer,
  ExceptionRequest,
  HandoffException,
  actsFor,
  normalizeOwnerRef,
} from '@handoff/backstage-plugin-handoff-common';
import { HandoffStore } from '../database/HandoffStore';
import { Caller, WorkflowService } from './WorkflowService';

const DAY = 86_400_000;
const titleOf = (entity: Entity) =>
  entity.metadata.title ?? entity.metadata.name;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Exceptions as requests: whoever needs a requirement waived asks, with a
 * justification and a last day; another person allowed to grant answers;
 * either may end it early. A pending request waives nothing.
 */
export class ExceptionService {
  constructor(
    private readonly deps: {
      store: Pick<
        HandoffStore,
        | 'listExceptions'
        | 'getException'
        | 'requestException'
        | 'answerException'
        | 'revokeException'
      >;
      workflow: WorkflowService;
      notifications?: NotificationService;
      logger?: LoggerService;
    },
  ) {}

  list(entity: Entity) {
    return this.deps.store.listExceptions(stringifyEntityRef(entity));
  }

  async request(
    entity: Entity,
    caller: Caller,
    body: ExceptionRequest,
  ): Promise<HandoffException> {
    const { workflow, store } = this.deps;
    const { entityRef, tier, requirements } = await workflow.gateRequirements(
      entity,
      caller.credentials,
    );
    const asked = requirements.filter(r => r.id === body.requirement);
    if (!asked.length) {
      throw new ConflictError(
        `No gate of ${entityRef}'s next decisions asks for "${body.requirement}", so there is nothing to waive`,
      );
    }
    const never = asked.find(r => r.waivable === false);
    if (never) {
      throw new ConflictError(
        `${never.description} can never be waived: an exception stands in for artifacts, owners and checks, never for a person's approval or acceptance, or a requirement the gate policy keeps`,
      );
    }
    if (asked.every(r => r.met && !r.exception)) {
      throw new ConflictError(
        `${asked[0].description} is met, so there is nothing to waive`,
      );
    }
    const cadence = workflow.reviewCadence()[tier];
    const latest = dateOf(Date.now() + cadence * DAY);
    const until = body.until ?? latest;
    if (until <= dateOf(Date.now())) {
      throw new InputError('until: must be tomorrow or later');
    }
    if (until > latest) {
      throw new InputError(
        `until: an exception for a ${tier}-risk capability lasts at most one review cadence (${cadence} days), so until ${latest} at the latest`,
      );
    }
    const stored = await store.requestException({
      entityRef,
      requirement: body.requirement,
      requirementDescription: asked[0].description,
      justification: body.justification,
      until,
      requestedBy: caller.ref,
    });
    if (!stored) {
      throw new ConflictError(
        `An exception for "${asked[0].description}" is already waiting to be granted or in force; it can be revoked first`,
      );
    }
    const grantors = workflow.exceptionGrantors(tier);
    await this.notify(entity, grantors, stored, {
      title: `Exception requested: ${titleOf(entity)}`,
      description: `${caller.ref} asks to waive "${stored.requirementDescription}" until ${stored.until}: ${stored.justification}`,
    });
    return stored;
  }

  async answer(
    entity: Entity,
    caller: Caller,
    id: number,
    body: ExceptionAnswer,
  ): Promise<HandoffException> {
    const { workflow, store } = this.deps;
    const exception = await this.find(entity, id);
    if (exception.status !== 'pending') {
      throw new ConflictError(
        `Exception ${id} is not waiting for an answer: it is ${EXCEPTION_STATUS_TITLES[
          exception.status
        ].toLocaleLowerCase('en-US')}`,
      );
    }
    if (
      normalizeOwnerRef(exception.requestedBy) === normalizeOwnerRef(caller.ref)
    ) {
      throw new NotAllowedError(
        'You requested this exception: another person grants or denies it',
      );
    }
    const { tier } = await workflow.gateRequirements(
      entity,
      caller.credentials,
    );
    const grantors = workflow.exceptionGrantors(tier);
    if (
      grantors.length &&
      !grantors.some(g => actsFor(g, [caller.ref, ...caller.ownership]))
    ) {
      throw new NotAllowedError(
        `Exceptions for a ${tier}-risk capability are granted or denied by ${grantors.join(
          ' or ',
        )} (or a member)`,
      );
    }
    const granted = body.answer === 'grant';
    if (granted && exception.until < dateOf(Date.now())) {
      throw new ConflictError(
        `Exception ${id} asked to last until ${exception.until}, which has passed: it can only be denied`,
      );
    }
    const answered = await store.answerException(exception.entityRef, id, {
      granted,
      by: caller.ref,
      note: body.note,
    });
    if (!answered) {
      throw new ConflictError(
        `Exception ${id} was answered or revoked by someone else at the same moment. Reload.`,
      );
    }
    await this.notify(entity, [answered.requestedBy], answered, {
      title: `Exception ${granted ? 'granted' : 'denied'}: ${titleOf(entity)}`,
      description: `${caller.ref} ${
        granted ? `granted it until ${answered.until}` : 'denied it'
      }: "${answered.requirementDescription}". ${body.note}`,
    });
    return answered;
  }

  /**
   * Ends a pending or standing exception early: its requester may withdraw
   * it, and whoever may grant exceptions may revoke it.
   */
  async revoke(
    entity: Entity,
    caller: Caller,
    id: number,
    note: string,
    mayGrant: boolean,
  ): Promise<HandoffException> {
    const exception = await this.find(entity, id);
    if (exception.status !== 'pending' && exception.status !== 'granted') {
      throw new ConflictError(
        `Exception ${id} has ended already: it is ${EXCEPTION_STATUS_TITLES[
          exception.status
        ].toLocaleLowerCase('en-US')}`,
      );
    }
    const requester =
      normalizeOwnerRef(exception.requestedBy) ===
      normalizeOwnerRef(caller.ref);
    if (!requester && !mayGrant) {
      throw new NotAllowedError(
        'Only its requester or someone who may grant exceptions can revoke it',
      );
    }
    const revoked = await this.deps.store.revokeException(
      exception.entityRef,
      id,
      {
        by: caller.ref,
        note,
      },
    );
    if (!revoked) {
      throw new ConflictError(
        `Exception ${id} was answered or revoked by someone else at the same moment. Reload.`,
      );
    }
    return revoked;
  }

  private async find(entity: Entity, id: number) {
    const exception = await this.deps.store.getException(
      stringifyEntityRef(entity),
      id,
    );
    if (!exception) {
      throw new NotFoundError(
        `${stringifyEntityRef(entity)} has no exception ${id}`,
      );
    }
    return exception;
  }

  private async notify(
    entity: Entity,
    recipients: string[],
    exception: HandoffException,
    payload: { title: string; description: string },
  ) {
    const { notifications, logger } = this.deps;
    if (!notifications || !recipients.length) return;
    const { kind, namespace, name } = parseEntityRef(
      stringifyEntityRef(entity),
    );
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          ...payload,
          link: `/catalog/${namespace}/${kind.toLocaleLowerCase(
            'en-US',
          )}/${name}/handoff`,
          severity: 'normal',
          topic: 'handoff-exception',
          scope: `handoff-exception:${exception.entityRef}:${exception.id}:${exception.status}`,
        },
      });
    } catch (error) {
      // The request is stored; a notification that fails is logged, not fatal.
      logger?.warn(
        `Could not notify ${recipients.join(', ')} of exception ${
          exception.id
        } of ${exception.entityRef}: ${(error as Error).message}`,
      );
    }
  }
}
