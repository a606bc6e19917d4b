import {
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { SpecValidation } from '@handoff/backstage-plugin-handoff-common';
import pLimit from 'p-limit';
import Piscina from 'piscina';

/** How long one spec may take to parse and validate. */
const PARSE_TIMEOUT_MS = 30_000;
/** The heap one parsing thread may use. */
const PARSE_MEMORY_MB = 256;
/** Specs waiting for a thread before the reader says it is busy. */
const MAX_WAITING = 64;

const seconds = (ms: number) =>
  ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} seconds`;

/**
 * A spec that could not be parsed within its time or memory.
 *
 * @public
 */
export class SpecTooCostlyError extends Error {
  name = 'SpecTooCostlyError';
}

/**
 * Parses and validates handoff specs in worker threads, so a huge or
 * hostile spec costs a thread of its own and never holds the request
 * thread: the same validator as everywhere else (worker/readSpec.cjs calls
 * `validateHandoffSpec`), a bounded queue, and a time and heap limit per spec.
 *
 * @public
 */
export class SpecParser {
  private pool?: Piscina<string, SpecValidation>;
  private readonly threads: number;
  private readonly timeoutMs: number;
  private readonly memoryMb: number;
  /** One spec per thread at a time, so a spec's time starts when it runs. */
  private readonly running: pLimit.Limit;

  constructor(
    private readonly options: {
      /** Default 1. */
      threads?: number;
      /** Per spec; default 30 seconds. */
      timeoutMs?: number;
      /** Per thread; default 256 MB. */
      memoryMb?: number;
      logger?: LoggerService;
    } = {},
  ) {
    this.threads = Math.max(1, options.threads ?? 1);
    this.timeoutMs = options.timeoutMs ?? PARSE_TIMEOUT_MS;
    this.memoryMb = options.memoryMb ?? PARSE_MEMORY_MB;
    this.running = pLimit(this.threads);
  }

  async parse(content: string): Promise<SpecValidation> {
    if (this.running.pendingCount >= MAX_WAITING) {
      throw new ServiceUnavailableError(
        `${MAX_WAITING} specs are already waiting to be read; try again in a minute`,
      );
    }
    return this.running(() => this.parseNow(content));
  }

  private async parseNow(content: string): Promise<SpecValidation> {
    const pool = this.startPool();
    // A spec's time starts once a thread is up: a starting thread (the
    // first, or one that replaces a thread ended for its cost) first reads
    // an empty spec, with a minute to start.
    if (pool.idleThreads === 0) {
      await pool
        .run('', { signal: AbortSignal.timeout(60_000) })
        .catch(error => {
          this.options.logger?.error(`The spec reader did not start: ${error}`);
          throw new ServiceUnavailableError(
            'The spec reader did not start; try again in a minute',
          );
        });
    }
    try {
      return await pool.run(content, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const { name, code, cause } = error as {
        name?: string;
        code?: string;
        cause?: { name?: string };
      };
      if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new SpecTooCostlyError(
          `This spec is too large to read: reading it needs more than ${this.memoryMb} MB`,
        );
      }
      if (name === 'AbortError' && cause?.name === 'TimeoutError') {
        throw new SpecTooCostlyError(
          `This spec is too large to read: reading it took more than ${seconds(
            this.timeoutMs,
          )}`,
        );
      }
      throw error;
    }
  }

  private startPool() {
    if (!this.pool) {
      this.pool = new Piscina({
        filename: resolvePackagePath(
          '@handoff/backstage-plugin-handoff-node',
          'worker/readSpec.cjs',
        ),
        // A module each thread loads first, when set: test runners load
        // TypeScript sources with it (their hooks do not reach threads).
        ...(process.env.HANDOFF_SPEC_PARSER_REQUIRE && {
          execArgv: [
            ...process.execArgv,
            '--require',
            process.env.HANDOFF_SPEC_PARSER_REQUIRE,
          ],
        }),
        minThreads: 0,
        maxThreads: this.threads,
        idleTimeout: 30_000,
        resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
      });
      // A thread that dies outside a spec is replaced by the next read.
      this.pool.on('error', error =>
        this.options.logger?.warn(`A spec reader thread ended: ${error}`),
      );
    }
    return this.pool;
  }

  /** Ends the threads; a later parse starts new ones. */
  async close() {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}
