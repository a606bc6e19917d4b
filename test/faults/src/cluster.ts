/*
 * The parts the fault suite breaks: real backend processes (the example
 * backend, as `yarn start` runs it, minus the file watcher) and a PostgreSQL
 * server of its own that it can stop and start.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import YAML from 'yaml';

export const repoRoot = path.resolve(__dirname, '../../..');
const backendDir = path.join(repoRoot, 'packages/backend');

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Waits until `check` resolves truthy, polling; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 120_000,
  pollMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

/** A PostgreSQL server in a temporary folder that the suite may stop and start. */
export class Postgres {
  private readonly bin = fs
    .readdirSync('/usr/lib/postgresql')
    .map(v => path.join('/usr/lib/postgresql', v, 'bin'))
    .sort()
    .pop()!;
  private readonly dir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'handoff-faults-pg-'),
  );
  readonly url: string;

  constructor(readonly port: number) {
    this.url = `postgresql://postgres@127.0.0.1:${port}`;
  }

  private run(tool: string, args: string[]) {
    const asPostgres = process.getuid?.() === 0;
    const [cmd, argv] = asPostgres
      ? [
          'runuser',
          ['-u', 'postgres', '--', path.join(this.bin, tool), ...args],
        ]
      : [path.join(this.bin, tool), args];
    execFileSync(cmd, argv, { stdio: 'ignore' });
  }

  init() {
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres', this.dir]);
    this.run('initdb', [
      '-D',
      `${this.dir}/data`,
      '-U',
      'postgres',
      '-A',
      'trust',
    ]);
    this.start();
  }

  start() {
    this.run('pg_ctl', [
      '-D',
      `${this.dir}/data`,
      '-l',
      `${this.dir}/log`,
      '-w',
      '-o',
      `-h 127.0.0.1 -p ${this.port} -k ${this.dir} -c max_connections=300 -c fsync=off`,
      'start',
    ]);
  }

  /**
   * Stops the server at once: `fast` cuts open connections; `immediate` is
   * a crash (no shutdown of its own; it recovers from its log on start).
   */
  stop(mode: 'fast' | 'immediate' = 'fast') {
    this.run('pg_ctl', ['-D', `${this.dir}/data`, '-m', mode, '-w', 'stop']);
  }

  destroy() {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export type DatabaseChoice =
  | { client: 'better-sqlite3'; directory: string }
  | { client: 'pg'; url: string; prefix: string };

const started = new Set<Backend>();

/** Kills every backend the suite started and did not stop. */
export function killAllBackends() {
  for (const backend of started) backend.kill9();
}

/** One backend process of the example portal, on its own port. */
export class Backend {
  private child?: ChildProcess;
  readonly logFile: string;
  readonly baseUrl: string;
  private readonly configFile: string;

  constructor(
    readonly name: string,
    readonly port: number,
    config: Record<string, unknown>,
    workDir: string,
  ) {
    this.baseUrl = `http://localhost:${port}`;
    this.logFile = path.join(workDir, `${name}.log`);
    this.configFile = path.join(workDir, `${name}.yaml`);
    fs.writeFileSync(
      this.configFile,
      YAML.stringify({
        ...config,
        // The workload posts checks as fast as it can with one CI token:
        // crash safety is tested here, not the rate limit.
        handoff: {
          ...(config.handoff as object),
          rateLimits: { checksPerMinute: 1_000_000 },
          // The faults' own workload is the only history here.
          example: { pastHistory: false },
        },
        app: { baseUrl: this.baseUrl },
        backend: {
          ...(config.backend as object),
          baseUrl: this.baseUrl,
          listen: { port },
          cors: { origin: this.baseUrl },
        },
      }),
    );
  }

  /** Starts the process and waits until Handoff answers its health check. */
  async start() {
    const log = fs.openSync(this.logFile, 'a');
    this.child = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
          paths: [backendDir],
        }),
        'src/index',
        '--config',
        '../../app-config.yaml',
        '--config',
        this.configFile,
      ],
      {
        cwd: backendDir,
        env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info' },
        stdio: ['ignore', log, log],
        detached: true,
      },
    );
    const child = this.child;
    started.add(this);
    await waitFor(
      `${this.name} to start (see ${this.logFile})`,
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`${this.name} exited with ${child.exitCode}`);
        }
        return (await fetch(`${this.baseUrl}/api/handoff/health`)).ok;
      },
      180_000,
      500,
    ).catch(error => {
      if (child.exitCode !== null) {
        throw new Error(`${this.name} exited; see ${this.logFile}`);
      }
      throw error;
    });
  }

  /** kill -9: no shutdown hooks, no flushing, mid-whatever it was doing. */
  kill9() {
    if (this.child?.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.child = undefined;
    started.delete(this);
  }

  async stop() {
    const child = this.child;
    if (!child?.pid) return;
    const exited = new Promise(r => child.once('exit', r));
    process.kill(-child.pid, 'SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    this.kill9();
  }

  log(): string {
    return fs.readFileSync(this.logFile, 'utf8');
  }

  /** A Backstage token for one of the example people (development sign-in). */
  async tokenFor(user: string): Promise<string> {
    const res = await fetch(`${this.baseUrl}/api/auth/example-users/refresh`, {
      headers: {
        'x-handoff-example-user': user,
        'x-requested-with': 'XMLHttpRequest',
      },
    });
    if (!res.ok) throw new Error(`Sign-in as ${user}: ${res.status}`);
    const body = (await res.json()) as {
      backstageIdentity: { token: string };
    };
    return body.backstageIdentity.token;
  }
}
