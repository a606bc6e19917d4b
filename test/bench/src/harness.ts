/*
 * What the benchmarks share: a real catalog backend fed by a provider,
 * timings and peak memory.
 */
import {
  AuthService,
  BackendFeature,
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import fs from 'fs';
import { Knex } from 'knex';
import os from 'os';
import path from 'path';
import { ORGANISATION_SIZE } from './generate';

export class BenchProvider implements EntityProvider {
  connection?: EntityProviderConnection;
  getProviderName() {
    return 'handoff-bench';
  }
  async connect(connection: EntityProviderConnection) {
    this.connection = connection;
  }
}

/**
 * An entity as the bench provider hands it to the catalog, with a location
 * no reader is asked for.
 */
export const deferred = (e: Entity) => ({
  entity: {
    ...e,
    metadata: {
      ...e.metadata,
      annotations: {
        ...e.metadata.annotations,
        'backstage.io/managed-by-location': 'url:https://bench.example.com/',
        'backstage.io/managed-by-origin-location':
          'url:https://bench.example.com/',
      },
    },
  },
  locationKey: 'bench',
});

export type Timing = { p50: number; p95: number; mean: number; runs: number };

export async function measure(runs: number, fn: () => Promise<unknown>) {
  await fn(); // warm-up: plans cached, pages loaded
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const { max, ...timing } = summarize(times);
  return timing satisfies Timing;
}

/** Percentiles of a list of times in milliseconds. */
export function summarize(times: number[]): Timing & { max: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    max: round(sorted[sorted.length - 1]),
    runs: sorted.length,
  };
}

/** Runs `fn` while sampling the heap; reports the peak above the level before it. */
export async function withPeakMemory(fn: () => Promise<unknown>) {
  (global as any).gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  }, 5);
  const start = Date.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  const ms = Date.now() - start;
  // What the work kept once garbage is collected: flat in the catalog's size
  // when nothing per entity outlives a page (the peak includes garbage V8
  // has not collected yet, so it grows with the time a pass takes).
  (global as any).gc?.();
  const after = process.memoryUsage();
  const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  return {
    ms,
    peakHeapAboveStartMb: mb(peakHeap - before.heapUsed),
    peakRssAboveStartMb: mb(peakRss - before.rss),
    retainedHeapAfterGcMb: mb(after.heapUsed - before.heapUsed),
    heapAfterGcMb: mb(after.heapUsed),
  };
}

/**
 * A real catalog backend on `catalogKnex`, fed by a provider the benchmark
 * drives; `features` (Handoff itself, say) run in the same backend.
 */
export async function startCatalog(
  catalogKnex: Knex,
  options: {
    features?: BackendFeature[];
    config?: JsonObject;
    /** Each plugin's own database; the others share the catalog's. */
    databases?: Record<string, Knex>;
  } = {},
) {
  const provider = new BenchProvider();
  const captured: { catalog?: CatalogService; auth?: AuthService } = {};
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      createBackendModule({
        pluginId: 'catalog',
        moduleId: 'bench-entities',
        register(env) {
          env.registerInit({
            deps: { catalog: catalogProcessingExtensionPoint },
            async init({ catalog }) {
              catalog.addEntityProvider(provider);
            },
          });
        },
      }),
      createBackendPlugin({
        pluginId: 'bench',
        register(env) {
          env.registerInit({
            deps: { catalog: catalogServiceRef, auth: coreServices.auth },
            async init(deps) {
              Object.assign(captured, deps);
            },
          });
        },
      }),
      createServiceFactory({
        service: coreServices.database,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) =>
          mockServices.database({
            knex: options.databases?.[plugin.getId()] ?? catalogKnex,
            migrations: { skip: false },
          }),
      }),
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          catalog: { processingInterval: { hours: 24 } },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  return {
    backend,
    server: backend.server,
    provider,
    catalog: captured.catalog!,
    auth: captured.auth!,
  };
}

/**
 * Waits until the catalog holds `components` components and the whole
 * organisation: until then an owner may be missing only because its group
 * is not processed yet.
 */
export async function waitForCatalog(
  catalog: CatalogService,
  auth: AuthService,
  components: number,
) {
  const credentials = await auth.getOwnServiceCredentials();
  const start = Date.now();
  let last = 0;
  const count = async (kind: string[]) =>
    (
      await catalog.queryEntities(
        { filter: { kind }, limit: 1 },
        { credentials },
      )
    ).totalItems;
  for (;;) {
    const [processed, organisation] = await Promise.all([
      count(['component']),
      count(['group', 'user']),
    ]);
    if (processed >= components && organisation >= ORGANISATION_SIZE) break;
    if (Date.now() - last > 15_000) {
      last = Date.now();
      process.stdout.write(
        `  catalog processed ${processed} of ${components} components, ${organisation} of ${ORGANISATION_SIZE} groups and users (${Math.round(
          (Date.now() - start) / 1000,
        )} s)\n`,
      );
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  return Date.now() - start;
}

/**
 * A logger that keeps nothing: Backstage's mock logger records every call,
 * which a benchmark of memory would count as the plugin's.
 */
export const quietLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return quietLogger;
  },
};

/** Prints a line of figures as the benchmark goes. */
export const log = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Writes a benchmark's figures, with the machine they were measured on, to
 * test-results/benchmarks/<name>.json.
 */
export function writeFigures(name: string, figures: Record<string, unknown>) {
  const dir = path.resolve(__dirname, '../../../test-results/benchmarks');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    date: new Date().toISOString(),
  };
  fs.writeFileSync(
    file,
    `${JSON.stringify({ ...figures, ...machine }, null, 2)}\n`,
  );
  log(`\nFigures written to ${file}`);
}
