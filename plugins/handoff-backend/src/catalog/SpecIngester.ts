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
} from '@handoff/backstage-plugin-handoff-common';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { createHash } from 'crypto';
import { SpecReadStatus, SpecStore } from '../database/HandoffStore';
import pLimit from 'p-limit';
import { EntityProjection } from './EntityProjection';
import {
  SpecParser,
  DEFAULT_READ_TIMEOUT_MS,
  SpecHostUnavailableError,
  readSpecFileIfChanged,
  resolveSpecLocation,
  specHostOf,
} from '@handoff/backstage-plugin-handoff-node';
import { HostCircuits } from './HostCircuits';

/**
 * At most this many of a spec's errors are stored and shown, then how many
 * more: thousands are one mistake repeated, and each stored version keeps
 * its list.
 */
export const MAX_STORED_SPEC_ERRORS = 200;

function storedErrors<T extends { path: string; message: string }>(
  errors: T[],
): Array<T | { path: string; message: string }> {
  if (errors.length <= MAX_STORED_SPEC_ERRORS) return errors;
  return [
    ...errors.slice(0, MAX_STORED_SPEC_ERRORS),
    {
      path: '',
      message: `and ${
        errors.length - MAX_STORED_SPEC_ERRORS
      } more errors: fix the ${MAX_STORED_SPEC_ERRORS} above first`,
    },
  ];
}

/** What one pass did. */
export type PassTotals = {
  read: number;
  notModified: number;
  created: number;
  unreadable: number;
  failed: number;
  /** Specs not read because their host did not answer lately. */
  heldBack: number;
};

const emptyTotals = (): PassTotals => ({
  read: 0,
  notModified: 0,
  created: 0,
  unreadable: 0,
  failed: 0,
  heldBack: 0,
});

/** A read never gets less time than this, even at the end of a run's budget. */
const MIN_READ_MS = 2_000;

/**
 * What the Handoff tab says of a spec its host did not give: that the host
 * did not answer, and since when the version shown has not been read again
 * (a host that stays down keeps the first date).
 */
export function hostDidNotAnswer(host: string, previous?: SpecReadStatus) {
  const said = previous?.readError;
  if (said?.startsWith(`the host ${host} did not answer;`)) return said;
  return previous && !previous.readError
    ? `the host ${host} did not answer; the version shown was read on ${previous.readAt.slice(
        0,
        10,
      )} and not since`
    : `the host ${host} did not answer`;
}

export type IngestResult =
  | { status: 'unchanged' | 'created'; version: SpecVersion }
  | { status: 'not-modified' }
  | {
      status: 'unreadable';
      error: string;
      /** Set when the host did not answer. */
      host?: string;
    };

/** How many specs are read at once by default (handoff.specs.concurrency). */
export const DEFAULT_READ_CONCURRENCY = 4;

/** The catalog fields the delta pass compares, without reading whole entities. */
/** The full pass's saved progress (handoff_pass_progress). */
const FULL_PASS = 'spec-ingestion';

/** Entities per catalog page in a full pass. */
const PAGE_SIZE = 200;

const DELTA_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.etag',
];

/**
 * Reads the handoff specs of catalog entities, validates them and keeps
 * every distinct version. Invalid specs are stored with their errors.
 *
 * @public
 */
export class SpecIngester {
  /** Spec hosts that did not answer lately, shared by every pass of this backend. */
  readonly hosts: HostCircuits;

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
      /** How many specs are read at once (default 4). */
      concurrency?: number;
      /** Entities per catalog page in a full pass (default 200). */
      pageSize?: number;
      hosts?: HostCircuits;
      /** Parses specs off the request thread (default: one thread). */
      parser?: SpecParser;
    },
  ) {
    this.hosts = deps.hosts ?? new HostCircuits();
    this.parser = deps.parser ?? new SpecParser();
  }

  private readonly parser: SpecParser;

  /**
   * Reads one entity's spec now. Given its previous read, an unchanged spec of
   * an unchanged entity is neither read in full nor written (`not-modified`).
   */
  async ingestEntity(
    entity: Entity,
    options: {
      signal?: AbortSignal;
      readBy?: string;
      previous?: SpecReadStatus;
      /** This read's time, when less than handoff.specs.readTimeout. */
      timeoutMs?: number;
    } = {},
  ): Promise<IngestResult> {
    const result = await this.readSpec(entity, options);
    const entityChanged = options.previous?.entityEtag !== entity.metadata.etag;
    if (result.status !== 'not-modified' || entityChanged) {
      await this.deps.projection?.projectEntity(entity);
    }
    if (result.status === 'not-modified' && entityChanged) {
      await this.deps.store.recordReadStatus({
        ...options.previous!,
        entityEtag: entity.metadata.etag,
      });
    }
    return result;
  }

  private async readSpec(
    entity: Entity,
    {
      signal,
      readBy,
      previous,
      timeoutMs,
    }: {
      signal?: AbortSignal;
      readBy?: string;
      previous?: SpecReadStatus;
      timeoutMs?: number;
    },
  ): Promise<IngestResult> {
    const { store, urlReader, integrations } = this.deps;
    const entityRef = stringifyEntityRef(entity);
    const readAt = new Date().toISOString();
    let location;
    let read;
    let validation;
    try {
      location = resolveSpecLocation(entity, integrations);
      const sameSource =
        previous &&
        !previous.readError &&
        previous.sourceLocation === `${location.type}:${location.target}`;
      read = await readSpecFileIfChanged(location, urlReader, {
        signal,
        timeoutMs: timeoutMs ?? this.deps.readTimeoutMs,
        previous: sameSource ? previous : undefined,
      });
      if (read.status === 'unchanged') return { status: 'not-modified' };
      if (read.content.includes('\0')) {
        throw new InputError(
          `${location.target} contains a NUL byte: a handoff spec is a text file`,
        );
      }
      validation = await this.parser.parse(read.content);
    } catch (error) {
      // The parsing threads are busy: nothing is recorded, a later read
      // tries again.
      if (error instanceof ServiceUnavailableError) throw error;
      const host =
        error instanceof SpecHostUnavailableError ? error.host : undefined;
      const message = host
        ? hostDidNotAnswer(host, previous)
        : (error as Error).message;
      await store.recordReadStatus({
        entityRef,
        sourceLocation: location && `${location.type}:${location.target}`,
        readError: message,
        readAt,
        // The delta pass retries it when the entity changes; the full pass
        // on its own schedule.
        entityEtag: entity.metadata.etag,
      });
      return { status: 'unreadable', error: message, host };
    }
    const { content } = read;
    const sourceLocation = `${location.type}:${location.target}`;
    const { version, created } = await store.recordSpec({
      entityRef,
      content,
      contentHash: createHash('sha256').update(content).digest('hex'),
      document: validation.document,
      valid: validation.valid,
      errors: storedErrors(validation.errors),
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
    await store.recordReadStatus({
      entityRef,
      sourceLocation,
      readAt,
      etag: read.etag,
      fileStamp: read.fileStamp,
      entityEtag: entity.metadata.etag,
    });
    return { status: created ? 'created' : 'unchanged', version };
  }

  /**
   * Reads the specs of every annotated entity in the catalog, a page at a
   * time. Each entity is its own unit: one that fails is logged and recorded
   * with its reason, and the pass goes on.
   *
   * A pass may be cut into runs: it stops taking pages when `signal` aborts
   * or after `budgetMs`, saves the catalog's cursor, and the next run (on any
   * replica) goes on from there; `finished` says whether the pass ended.
   */
  async ingestAll(
    signal?: AbortSignal,
    options: { budgetMs?: number } = {},
  ): Promise<PassTotals & { finished: boolean }> {
    const { catalog, auth, logger, store } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const totals = emptyTotals();
    const deadline = Date.now() + (options.budgetMs ?? Infinity);
    const saved = await store.passProgress(FULL_PASS);
    const startedAt = saved ? new Date(saved.startedAt) : new Date();
    // Where the pass is: the page (no cursor for the first one) and the
    // specs of that page already read, so a run cut short mid-page never
    // reads them again and a page of hanging reads cannot hold the pass.
    let cursor = saved?.cursor;
    let done = new Set(saved?.done ?? []);
    if (saved) {
      logger.info(
        `Going on with the handoff spec pass started at ${saved.startedAt}`,
      );
    }
    const filter = {
      [`metadata.annotations.${ANNOTATION_HANDOFF_SPEC}`]:
        CATALOG_FILTER_EXISTS,
    };
    const limit = this.deps.pageSize ?? PAGE_SIZE;
    let paused = false;
    const pause = async (why: string) => {
      paused = true;
      await store.savePassProgress(FULL_PASS, {
        cursor,
        done: [...done],
        startedAt,
      });
      logger.info(
        `Handoff spec pass paused after ${totals.read} specs (${why}); the next run goes on from there`,
      );
      this.warnOfHeldBackHosts(totals);
      return { ...totals, finished: false };
    };
    for (;;) {
      if (signal?.aborted) return pause('the task was stopped');
      if (totals.read > 0 && Date.now() >= deadline) {
        return pause('its time for one run is up');
      }
      let page;
      try {
        page = await catalog.queryEntities(
          cursor ? { cursor, limit } : { filter, limit },
          { credentials },
        );
      } catch (error) {
        // A cursor the catalog no longer takes (it was upgraded, say): start over.
        if (!(cursor && cursor === saved?.cursor)) throw error;
        logger.warn(
          `The saved handoff spec pass could not go on, starting over: ${
            (error as Error).message
          }`,
        );
        cursor = undefined;
        done = new Set();
        continue;
      }
      const readBefore = done;
      const todo = page.items.filter(
        e => !readBefore.has(stringifyEntityRef(e)),
      );
      const read = await this.ingestMany(todo, totals, { signal, deadline });
      for (const ref of read) done.add(ref);
      // Stopped part-way through the page: the next run reads the rest of it.
      if (read.size < todo.length) {
        return pause(
          signal?.aborted
            ? 'the task was stopped'
            : 'its time for one run is up',
        );
      }
      cursor = page.pageInfo.nextCursor;
      done = new Set();
      if (!cursor) break;
    }
    // A pass that was saved part-way ends here (a pass finished in one run saved nothing).
    if (saved || paused) await store.savePassProgress(FULL_PASS, undefined);
    logger.info(
      `Read ${totals.read} handoff specs: ${totals.notModified} unchanged at their source, ${totals.created} new versions, ${totals.unreadable} unreadable, ${totals.failed} failed, ${totals.heldBack} held back`,
    );
    this.warnOfHeldBackHosts(totals);
    return { ...totals, finished: true };
  }

  /** One warning per host whose specs this run held back, naming it and how many. */
  private warnOfHeldBackHosts(
    totals: PassTotals & { byHost?: Map<string, number> },
  ) {
    for (const [host, count] of totals.byHost ?? []) {
      const retryAt = this.hosts.retryAt(host);
      this.deps.logger.warn(
        `The handoff spec host ${host} did not answer: ${count} spec${
          count === 1 ? ' was' : 's were'
        } not read this run and keep their last version${
          retryAt ? `; it is tried again after ${retryAt.toISOString()}` : ''
        }`,
      );
    }
    totals.byHost?.clear();
  }

  /**
   * The delta pass: compares each annotated entity's catalog etag with the one
   * its spec was last read with (listing only refs and etags), and reads the
   * spec of every entity that changed or is new, without waiting for a full
   * pass. Spec files that change without their entity changing are the full
   * pass's (conditional reads). Stops when `signal` aborts or after
   * `budgetMs`; what it did not reach is still changed at the next run.
   */
  async ingestChanged(
    signal?: AbortSignal,
    options: { budgetMs?: number } = {},
  ): Promise<PassTotals & { finished: boolean }> {
    const { catalog, auth, store } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const totals = emptyTotals();
    const deadline = Date.now() + (options.budgetMs ?? Infinity);
    const slice = this.deps.pageSize ?? PAGE_SIZE;
    // Every run reads at least one slice, however short its budget.
    let slices = 0;
    const stop = () =>
      signal?.aborted || (slices > 0 && Date.now() >= deadline);
    let cursor: string | undefined;
    let finished = true;
    do {
      if (stop()) {
        finished = false;
        break;
      }
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: 1000, fields: DELTA_FIELDS }
          : {
              filter: {
                [`metadata.annotations.${ANNOTATION_HANDOFF_SPEC}`]:
                  CATALOG_FILTER_EXISTS,
              },
              limit: 1000,
              fields: DELTA_FIELDS,
            },
        { credentials },
      );
      const refs = page.items.map(e => stringifyEntityRef(e));
      const statuses = await store.getReadStatuses(refs);
      const changed = page.items
        .filter(
          (e, i) =>
            statuses.get(refs[i])?.entityEtag !== e.metadata.etag ||
            !statuses.has(refs[i]),
        )
        .map(e => stringifyEntityRef(e));
      // Read in slices, so a run with many changes keeps to its time.
      for (let i = 0; i < changed.length; i += slice) {
        if (stop()) {
          finished = false;
          break;
        }
        slices += 1;
        const { items } = await catalog.getEntitiesByRefs(
          { entityRefs: changed.slice(i, i + slice) },
          { credentials },
        );
        await this.ingestMany(
          items.filter((e): e is Entity => Boolean(e)),
          totals,
          // A changed entity is read in full: its annotation may point elsewhere.
          { signal, conditional: false },
        );
      }
      if (!finished) break;
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    this.warnOfHeldBackHosts(totals);
    if (totals.read) {
      this.deps.logger.info(
        `Read the handoff specs of ${totals.read} changed entities: ${
          totals.created
        } new versions, ${totals.unreadable} unreadable, ${
          totals.failed
        } failed${finished ? '' : '; the rest at the next run'}`,
      );
    }
    return { ...totals, finished };
  }

  /**
   * Reads the specs of a page of entities, a few at a time, each its own
   * unit; resolves to the refs it got through. Specs on hosts that answered
   * lately go first; a host that did not answer twice in a row is held back
   * (its specs keep their last version). No read starts once the signal
   * aborts or the deadline passes (after the run's first), and none is given
   * longer than the time left.
   */
  private async ingestMany(
    entities: Entity[],
    totals: PassTotals & { byHost?: Map<string, number> },
    options: { signal?: AbortSignal; deadline?: number; conditional?: boolean },
  ): Promise<Set<string>> {
    const { signal, deadline = Infinity, conditional = true } = options;
    const refs = new Map(entities.map(e => [e, stringifyEntityRef(e)]));
    const statuses = conditional
      ? await this.deps.store.getReadStatuses([...refs.values()])
      : new Map<string, SpecReadStatus>();
    const hostOfEntity = (entity: Entity) => {
      try {
        return specHostOf(resolveSpecLocation(entity, this.deps.integrations));
      } catch {
        return undefined;
      }
    };
    const hosts = new Map(entities.map(e => [e, hostOfEntity(e)]));
    const ordered = [...entities].sort(
      (a, b) => this.hosts.rank(hosts.get(a)) - this.hosts.rank(hosts.get(b)),
    );
    const readTimeout = this.deps.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    const done = new Set<string>();
    const limit = pLimit(this.deps.concurrency ?? DEFAULT_READ_CONCURRENCY);
    await Promise.all(
      ordered.map(entity =>
        limit(async () => {
          if (signal?.aborted) return;
          const left = deadline - Date.now();
          if (left <= 0 && totals.read > 0) return;
          const ref = refs.get(entity)!;
          const host = hosts.get(entity);
          const previous = statuses.get(ref);
          totals.read += 1;
          try {
            if (!this.hosts.mayRead(host)) {
              await this.holdBack(entity, host!, previous);
              totals.heldBack += 1;
              totals.byHost ??= new Map();
              totals.byHost.set(host!, (totals.byHost.get(host!) ?? 0) + 1);
              done.add(ref);
              return;
            }
            const result = await this.ingestEntity(entity, {
              signal,
              previous,
              timeoutMs: Math.min(readTimeout, Math.max(MIN_READ_MS, left)),
            });
            if (result.status === 'unreadable' && result.host) {
              this.hosts.didNotAnswer(result.host);
            } else {
              this.hosts.answered(host);
            }
            if (result.status === 'created') totals.created += 1;
            if (result.status === 'not-modified') totals.notModified += 1;
            if (result.status === 'unreadable') totals.unreadable += 1;
          } catch (error) {
            totals.failed += 1;
            await this.recordFailure(entity, error as Error);
          }
          // A read the pass's own stop cut short is read again next run.
          if (!signal?.aborted) done.add(ref);
        }),
      ),
    );
    return done;
  }

  /** Records that a spec was not read because its host did not answer lately (no write if it says so already). */
  private async holdBack(
    entity: Entity,
    host: string,
    previous: SpecReadStatus | undefined,
  ) {
    const readError = hostDidNotAnswer(host, previous);
    if (previous?.readError === readError) return;
    const location = resolveSpecLocation(entity, this.deps.integrations);
    await this.deps.store.recordReadStatus({
      entityRef: stringifyEntityRef(entity),
      sourceLocation: `${location.type}:${location.target}`,
      readError,
      readAt: new Date().toISOString(),
      entityEtag: entity.metadata.etag,
    });
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
