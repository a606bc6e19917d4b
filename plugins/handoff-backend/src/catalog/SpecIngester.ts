import {
  AuthService,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_HANDOFF_SPEC,
  SpecVersion,
  validateHandoffSpec,
} from '@handoff/backstage-plugin-handoff-common';
import { InputError } from '@backstage/errors';
import { createHash } from 'crypto';
import { SpecStore } from '../database/HandoffStore';
import { EntityProjection } from './EntityProjection';
import {
  readSpecFile,
  resolveSpecLocation,
} from '@handoff/backstage-plugin-handoff-node';

export type IngestResult =
  | { status: 'unchanged' | 'created'; version: SpecVersion }
  | { status: 'unreadable'; error: string };

/**
 * Reads the handoff specs of catalog entities, validates them and keeps
 * every distinct version. Invalid specs are stored with their errors.
 */
export class SpecIngester {
  constructor(
    private readonly deps: {
      store: SpecStore;
      catalog: CatalogService;
      auth: AuthService;
      urlReader: UrlReaderService;
      integrations: ScmIntegrationRegistry;
      logger: LoggerService;
      /** Told of every entity read, so a new capability shows in the audit at once. */
      projection?: Pick<EntityProjection, 'projectEntity'>;
      /** How long one read may take (default 15 s). */
      readTimeoutMs?: number;
    },
  ) {}

  /** Reads one entity's spec now. */
  async ingestEntity(
    entity: Entity,
    options: { signal?: AbortSignal; readBy?: string } = {},
  ): Promise<IngestResult> {
    const result = await this.readSpec(entity, options);
    await this.deps.projection?.projectEntity(entity);
    return result;
  }

  private async readSpec(
    entity: Entity,
    { signal, readBy }: { signal?: AbortSignal; readBy?: string },
  ): Promise<IngestResult> {
    const { store, urlReader, integrations } = this.deps;
    const entityRef = stringifyEntityRef(entity);
    const readAt = new Date().toISOString();
    let location;
    let content;
    try {
      location = resolveSpecLocation(entity, integrations);
      content = await readSpecFile(location, urlReader, {
        signal,
        timeoutMs: this.deps.readTimeoutMs,
      });
      if (content.includes('\0')) {
        throw new InputError(
          `${location.target} contains a NUL byte: a handoff spec is a text file`,
        );
      }
    } catch (error) {
      const message = (error as Error).message;
      await store.recordReadStatus({
        entityRef,
        sourceLocation: location && `${location.type}:${location.target}`,
        readError: message,
        readAt,
      });
      return { status: 'unreadable', error: message };
    }
    const sourceLocation = `${location.type}:${location.target}`;
    const validation = validateHandoffSpec(content);
    const { version, created } = await store.recordSpec({
      entityRef,
      content,
      contentHash: createHash('sha256').update(content).digest('hex'),
      document: validation.document,
      valid: validation.valid,
      errors: validation.errors,
      sourceLocation,
      readBy,
      entityState: {
        etag: entity.metadata.etag,
        owner:
          typeof entity.spec?.owner === 'string'
            ? entity.spec.owner
            : undefined,
        lifecycle:
          typeof entity.spec?.lifecycle === 'string'
            ? entity.spec.lifecycle
            : undefined,
      },
    });
    await store.recordReadStatus({ entityRef, sourceLocation, readAt });
    return { status: created ? 'created' : 'unchanged', version };
  }

  /**
   * Reads the specs of every annotated entity in the catalog, a page at a
   * time. Each entity is its own unit: one that fails is logged and recorded
   * with its reason, and the pass goes on. Stops early when `signal` aborts.
   */
  async ingestAll(signal?: AbortSignal): Promise<{
    read: number;
    created: number;
    unreadable: number;
    failed: number;
  }> {
    const { catalog, auth, logger } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const totals = { read: 0, created: 0, unreadable: 0, failed: 0 };
    let cursor: string | undefined;
    do {
      if (signal?.aborted) {
        logger.warn('Handoff spec pass stopped early: the task was cancelled');
        break;
      }
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: 200 }
          : {
              filter: {
                [`metadata.annotations.${ANNOTATION_HANDOFF_SPEC}`]:
                  CATALOG_FILTER_EXISTS,
              },
              limit: 200,
            },
        { credentials },
      );
      for (const entity of page.items) {
        if (signal?.aborted) break;
        totals.read += 1;
        try {
          const result = await this.ingestEntity(entity, { signal });
          if (result.status === 'created') totals.created += 1;
          if (result.status === 'unreadable') totals.unreadable += 1;
        } catch (error) {
          totals.failed += 1;
          await this.recordFailure(entity, error as Error);
        }
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    logger.info(
      `Read ${totals.read} handoff specs: ${totals.created} new versions, ${totals.unreadable} unreadable, ${totals.failed} failed`,
    );
    return totals;
  }

  /** Logs a failed entity and records why, so its page says so; never throws. */
  private async recordFailure(entity: Entity, error: Error) {
    const entityRef = stringifyEntityRef(entity);
    this.deps.logger.warn(
      `Could not store the handoff spec of ${entityRef}: ${error.message}`,
    );
    try {
      await this.deps.store.recordReadStatus({
        entityRef,
        readError: `Could not be stored: ${error.message}`.slice(0, 2000),
        readAt: new Date().toISOString(),
      });
    } catch (statusError) {
      this.deps.logger.warn(
        `Could not record the read error of ${entityRef}: ${
          (statusError as Error).message
        }`,
      );
    }
  }
}
