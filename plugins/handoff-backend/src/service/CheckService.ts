import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  CheckResultRequest,
  CheckResultResponse,
  reviewRequiredBy,
} from '@handoff/backstage-plugin-handoff-common';
import { HandoffStore } from '../database/HandoffStore';
import { breachWork } from './workItems';
import { Caller } from './WorkflowService';
import { currentOwner } from './currentOwner';

/**
 * Check results from CI and data pipelines: a failing result belongs to its
 * reporter, and a new drift or schema breach is told to the owner once.
 */
export class CheckService {
  constructor(
    private readonly deps: {
      store: Pick<
        HandoffStore,
        | 'latestChecks'
        | 'addCheckResult'
        | 'latestSpecFacts'
        | 'latestDecision'
        | 'latestTransfer'
      >;
      notifications?: NotificationService;
      logger?: LoggerService;
    },
  ) {}

  private async notifyBreach(entity: Entity, check: CheckResultResponse) {
    const { notifications, logger } = this.deps;
    if (!notifications) return;
    const owner = await currentOwner(this.deps.store, entity);
    const { kind, namespace, name } = parseEntityRef(
      stringifyEntityRef(entity),
    );
    try {
      await notifications.send({
        recipients: {
          type: 'entity',
          entityRef: owner,
        },
        payload: {
          title: `Review required: ${entity.metadata.title ?? name}`,
          description: `The ${check.kind} check ${check.name} failed${
            check.details ? ` (${check.details})` : ''
          }. Hand-off and other gated decisions wait until ${
            check.reporter
          } reports it passing.`,
          link: `/catalog/${namespace}/${kind.toLocaleLowerCase(
            'en-US',
          )}/${name}/handoff`,
          severity: 'high',
          topic: 'handoff-review-required',
          scope: `handoff-breach:${stringifyEntityRef(entity)}:${check.name}:${
            check.id
          }`,
        },
      });
    } catch (error) {
      // The result is stored; a notification that fails is logged, not fatal.
      logger?.warn(
        `Could not notify the owner of ${stringifyEntityRef(entity)} of a ${
          check.kind
        } breach: ${(error as Error).message}`,
      );
    }
  }

  /** The latest valid spec, for the breach item's assignee and watchers. */
  private async specOf(entityRef: string) {
    const latest = await this.deps.store.latestSpecFacts(entityRef);
    return { spec: latest?.spec, specVersion: latest?.version };
  }

  /**
   * Records a check result. A failing result belongs to its reporter: only the
   * same reporter may supersede it.
   */
  async recordCheck(
    entity: Entity,
    caller: Caller,
    request: CheckResultRequest,
  ) {
    const entityRef = stringifyEntityRef(entity);
    const previous = (await this.deps.store.latestChecks(entityRef)).find(
      c => c.name === request.name,
    );
    if (previous?.status === 'fail' && previous.reporter !== caller.ref) {
      throw new NotAllowedError(
        `The failing check ${request.name} was reported by ${previous.reporter}; only ${previous.reporter} can post its next result`,
      );
    }
    const breaching =
      request.status === 'fail' &&
      (request.kind === 'drift' || request.kind === 'schema');
    const stored = await this.deps.store.addCheckResult(
      { entityRef, ...request, reporter: caller.ref },
      breaching
        ? breachWork(
            {
              entity,
              entityRef,
              ...(await this.specOf(entityRef)),
            },
            request,
          )
        : undefined,
    );
    // A new drift or schema breach is one event: its owner hears of it once.
    // A failure after a review judged the previous one is a new breach.
    const breach = reviewRequiredBy([stored]).length > 0;
    const open = previous ? reviewRequiredBy([previous]).length > 0 : false;
    if (breach && !open) {
      await this.notifyBreach(entity, stored);
    }
    return stored;
  }
}
