import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_HANDOFF_SPEC,
  ANNOTATION_HANDOFF_STAGE,
  CapabilityListResponse,
  HandoffPacket,
  ReviewCycle,
  SpecDiffResponse,
  diffSpecArtifacts,
  reviewRequiredBy,
} from '@handoff/backstage-plugin-handoff-common';
import { HandoffStore } from '../database/HandoffStore';
import { WorkflowService } from './WorkflowService';
import { catalogCredentials } from './catalogCredentials';
import { toDecisionResponse } from './http';
import { summarizeReadiness } from './readiness';

/** The entity fields a capability list needs. */
const CAPABILITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'relations',
];

/** Read-side answers about capabilities: the paged list, the packet, a spec diff. */
export class CapabilityService {
  constructor(
    private readonly deps: {
      auth: AuthService;
      catalog: CatalogService;
      store: HandoffStore;
      workflow: WorkflowService;
    },
  ) {}

  /** One page of the entities with a handoff annotation, and where they stand. */
  async list(
    query: { limit: number; cursor?: string; q?: string },
    credentials: BackstageCredentials,
  ): Promise<CapabilityListResponse> {
    const { catalog, auth, store } = this.deps;
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
    const refs = page.items.map(e => stringifyEntityRef(e));
    const latest = await store.latestDecisions(refs);
    const checks = await store.latestChecksOf(refs);
    const reads = await store.getReadStatuses(refs);
    return {
      items: page.items.map(e => {
        const ref = stringifyEntityRef(e);
        const readError = reads.get(ref)?.readError;
        return {
          ...summarizeReadiness(e, latest.get(ref)),
          reviewRequired: reviewRequiredBy(checks.get(ref) ?? []),
          ...(readError && { specReadError: readError }),
        };
      }),
      totalItems: page.totalItems,
      ...(page.pageInfo.nextCursor && { nextCursor: page.pageInfo.nextCursor }),
    };
  }

  /** The whole handoff of one entity as one document. */
  async packet(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<HandoffPacket> {
    const { store, workflow } = this.deps;
    const entityRef = stringifyEntityRef(entity);
    return {
      generatedAt: new Date().toISOString(),
      readiness: await workflow.readiness(entity, credentials),
      spec: await store.latestSpec(entityRef),
      decisions: (await store.listDecisions(entityRef)).map(toDecisionResponse),
      checks: await store.listChecks(entityRef, 1000),
      cycles: await this.cycles(entityRef),
      work: await store.listWorkItems(entityRef),
      exceptions: await store.listExceptions(entityRef),
    };
  }

  /**
   * Every periodic review, newest first, with the artifacts of the spec that
   * changed since the review before (or, for the first, since the hand-off or
   * operate decision that started its operation): what hardening changed
   * between two reviews belongs to the second.
   */
  async cycles(entityRef: string): Promise<ReviewCycle[]> {
    const { store } = this.deps;
    const cycles: ReviewCycle[] = [];
    let since: number | undefined;
    for (const d of await store.listDecisions(entityRef)) {
      if (d.decision === 'review' && d.readout) {
        cycles.push({
          sequence: d.sequence,
          reviewedAt: d.createdAt,
          reviewedBy: d.actor,
          rationale: d.rationale,
          readout: d.readout,
          nextReviewAt: d.nextReviewAt,
          specVersion: d.specVersion,
          sinceSpecVersion: since,
          changes:
            since && d.specVersion && since !== d.specVersion
              ? (await this.diff(entityRef, since, d.specVersion)).changes
              : [],
        });
      }
      const reviewed = cycles.length > 0;
      if (
        d.decision === 'review' ||
        (!reviewed && ['hand-off', 'operate'].includes(d.decision))
      ) {
        since = d.specVersion ?? since;
      }
    }
    return cycles.reverse();
  }

  /** Which artifacts changed between two stored versions of an entity's spec. */
  async diff(
    entityRef: string,
    from: number,
    to: number,
  ): Promise<SpecDiffResponse> {
    const { store } = this.deps;
    const [before, after] = await Promise.all([
      store.getSpecVersion(entityRef, from),
      store.getSpecVersion(entityRef, to),
    ]);
    if (!before || !after) {
      throw new NotFoundError(
        `${entityRef} has no spec version ${!before ? from : to}`,
      );
    }
    const summary = ({
      content: _c,
      document: _d,
      errors: _e,
      entityState: _s,
      ...rest
    }: typeof before) => rest;
    return {
      entityRef,
      from: summary(before),
      to: summary(after),
      changes: diffSpecArtifacts(before.document, after.document),
    };
  }
}
