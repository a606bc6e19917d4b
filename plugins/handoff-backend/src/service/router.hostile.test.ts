/*
 * What a hostile (or careless) signed-in user tries, each finding of issue 11 as
 * a test over a real backend: refused with a plain 4xx, nothing read, written
 * or stalled.
 */
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PermissionEvaluator,
} from '@backstage/plugin-permission-common';
import { parse as parseCsv } from 'csv-parse/sync';
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { handoffPlugin } from '../plugin';
import { readySpec, userInfoFactory } from '../__testUtils__/fixtures';

/** The attack under test: a link that runs script. */
// eslint-disable-next-line no-script-url
const SCRIPT_URL = 'javascript:alert(1)';

jest.setTimeout(60_000);

const api = '/api/handoff';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** Owners of the fixture's entities, as the catalog's owner rule would see them. */
const owners: Record<string, string> = {};
const groupsOf: Record<string, string[]> = {
  'user:default/ada': ['group:default/data-science'],
  'user:default/grace': ['group:default/sre'],
  'user:default/lin': ['group:default/platform'],
};

/**
 * The example policy's rules, decided here so each route's request for a
 * decision is visible: entity writes by owners only, the audit by the
 * platform group only.
 */
const ownerPolicy = (): PermissionEvaluator & { calls: any[] } => {
  const calls: any[] = [];
  const decide = (r: any, credentials: any) => {
    calls.push(r);
    if (credentials?.principal?.type === 'service') {
      return r.permission.name === 'handoff.check.create';
    }
    const ref = credentials?.principal?.userEntityRef;
    const mine = [ref, ...(groupsOf[ref] ?? [])];
    if (r.permission.name === 'handoff.audit.read') {
      return mine.includes('group:default/platform');
    }
    if (r.permission.type === 'resource') {
      if (
        r.permission.name === 'handoff.approval.create' ||
        r.permission.name === 'handoff.transfer.accept'
      ) {
        return true;
      }
      return mine.includes(owners[r.resourceRef]);
    }
    return true;
  };
  return {
    calls,
    authorize: async (requests: any[], options: any) =>
      requests.map(r => ({
        result: decide(r, options?.credentials)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      })),
    authorizeConditional: async () => {
      throw new Error('not used');
    },
  } as any;
};

/** A folder per entity, each with its catalog-info location and whatever the test puts next to it. */
class Workspace {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-hostile-'));
  readonly entities: any[] = [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'data-science', namespace: 'default' },
      spec: { type: 'team', children: [] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'sre', namespace: 'default' },
      spec: { type: 'team', children: [] },
    },
  ];

  capability(
    name: string,
    options: {
      spec?: string;
      content?: string | Buffer;
      stage?: string;
      owner?: string;
      title?: string;
      type?: string;
      setup?: (folder: string) => void;
    } = {},
  ) {
    const folder = path.join(this.dir, name);
    fs.mkdirSync(folder, { recursive: true });
    if (options.content !== undefined) {
      fs.writeFileSync(path.join(folder, 'handoff.yaml'), options.content);
    }
    options.setup?.(folder);
    const owner = options.owner ?? 'group:default/data-science';
    owners[`component:default/${name}`] = owner;
    this.entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        ...(options.title && { title: options.title }),
        annotations: {
          'backstage.io/managed-by-location': `file:${path.join(
            folder,
            'catalog-info.yaml',
          )}`,
          'handoff.dev/spec': options.spec ?? './handoff.yaml',
          ...(options.stage && { 'handoff.dev/stage': options.stage }),
        },
      },
      spec: { type: options.type ?? 'service', owner, lifecycle: 'production' },
      relations: [{ type: 'ownedBy', targetRef: owner }],
    });
    return this;
  }

  cleanup() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

describe.each(databases.eachSupportedId())(
  'a hostile signed-in user on %s',
  databaseId => {
    let ws: Workspace;
    let policy: ReturnType<typeof ownerPolicy>;
    beforeEach(() => {
      ws = new Workspace();
      policy = ownerPolicy();
    });
    afterEach(() => ws.cleanup());

    async function start(extra: any[] = []) {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          handoffPlugin,
          catalogServiceMock.factory({ entities: ws.entities }),
          userInfoFactory,
          mockServices.database.factory({ knex }),
          mockServices.permissions.mock(policy).factory,
          ...extra,
        ],
      });
      return { server, knex };
    }

    const refresh = (server: any, name: string, user = 'ada') =>
      request(server)
        .post(`${api}/specs/component/default/${name}/refresh`)
        .set('Authorization', as(user));

    it('1. reads no file outside the entity’s folder: traversal, absolute path, symlinks, /proc', async () => {
      ws.capability('traversal', { spec: '../../../../../../../etc/passwd' })
        .capability('absolute', { spec: '/etc/passwd' })
        .capability('symlink', {
          setup: f =>
            fs.symlinkSync('/etc/passwd', path.join(f, 'handoff.yaml')),
        })
        .capability('proc', {
          setup: f => fs.symlinkSync('/proc/self', path.join(f, 'p')),
          spec: './p/environ',
        });
      const { server, knex } = await start();
      for (const name of ['traversal', 'absolute', 'symlink', 'proc']) {
        const res = await refresh(server, name);
        expect(res.status).toBe(200);
        expect(res.body.status).toBe('unreadable');
        expect(res.body.error).toMatch(/is not read|No spec file/);
        // No server path in what a person reads.
        expect(res.body.error).not.toMatch(/\/tmp|\/home|\/work/);
        for (const route of ['specs', 'packet']) {
          const read = await request(server).get(
            `${api}/${route}/component/default/${name}`,
          );
          expect(read.status).toBe(200);
          expect(JSON.stringify(read.body)).not.toMatch(/root:|PATH=/);
        }
      }
      expect(await knex('handoff_spec_versions').count('* as n')).toEqual([
        { n: expect.anything() },
      ]);
      const [{ n }] = await knex('handoff_spec_versions').count('* as n');
      expect(Number(n)).toBe(0);
    });

    it('2. refuses a FIFO and /dev/zero at once, and keeps serving', async () => {
      ws.capability('fifo', {
        setup: f => execFileSync('mkfifo', [path.join(f, 'handoff.yaml')]),
      }).capability('zero', {
        setup: f => fs.symlinkSync('/dev/zero', path.join(f, 'handoff.yaml')),
      });
      const { server } = await start();
      const started = Date.now();
      const [fifo, zero] = await Promise.all([
        refresh(server, 'fifo'),
        refresh(server, 'zero'),
      ]);
      expect(fifo.body).toMatchObject({
        status: 'unreadable',
        error: expect.stringMatching(
          /^No spec file \.\/handoff\.yaml in the entity's folder/,
        ),
      });
      expect(zero.body).toMatchObject({
        status: 'unreadable',
        error: fifo.body.error,
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      const health = await request(server).get(`${api}/health`);
      expect(health.status).toBe(200);
    });

    it('3. registrations: actor from the credentials, only existing entities without history, permission checked on the entity', async () => {
      ws.capability('fresh', { content: readySpec, stage: 'proposed' })
        .capability('piloted', { content: readySpec, stage: 'pilot' })
        .capability('theirs', {
          content: readySpec,
          owner: 'group:default/sre',
        });
      const { server, knex } = await start();
      const register = (body: object, user = 'ada') =>
        request(server)
          .post(`${api}/registrations`)
          .set('Authorization', as(user))
          .send(body);

      const forged = await register({
        entityRef: 'component:default/fresh',
        actor: 'user:default/ceo',
      });
      expect(forged.status).toBe(400);
      expect(forged.body.error.message).toMatch(/actor: is not a known field/);

      const lowRisk = await register({
        entityRef: 'component:default/fresh',
        risk: {
          data: 'low',
          customerImpact: 'low',
          compliance: 'low',
          operationalDependency: 'low',
        },
      });
      expect(lowRisk.status).toBe(400);

      const ghost = await register({ entityRef: 'component:default/ghost' });
      expect(ghost.status).toBe(404);
      expect(ghost.body.error.message).toMatch(
        /No entity component:default\/ghost/,
      );

      const piloted = await register({
        entityRef: 'component:default/piloted',
      });
      expect(piloted.status).toBe(409);
      expect(piloted.body.error.message).toMatch(
        /already a capability at stage pilot/,
      );

      const theirs = await register({ entityRef: 'component:default/theirs' });
      expect(theirs.status).toBe(403);
      expect(policy.calls).toContainEqual(
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'handoff.capability.register',
          }),
          resourceRef: 'component:default/theirs',
        }),
      );

      const ci = await request(server)
        .post(`${api}/registrations`)
        .set(
          'Authorization',
          mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('external:ci'),
            targetPluginId: 'handoff',
          }),
        )
        .send({ entityRef: 'component:default/fresh' });
      expect(ci.status).toBe(403);

      // Nothing of the above wrote a thing.
      const [{ n }] = await knex('handoff_decisions').count('* as n');
      expect(Number(n)).toBe(0);

      const ok = await register({ entityRef: 'component:default/fresh' });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({
        actor: 'user:default/ada',
        toStage: 'proposed',
        specVersion: 1,
      });
      // The medium-risk spec sets the cadence (90 days), not the request.
      const days =
        (new Date(ok.body.nextReviewAt).getTime() - Date.now()) / 86_400_000;
      expect(Math.round(days)).toBe(90);

      const again = await register({ entityRef: 'component:default/fresh' });
      expect(again.status).toBe(409);
      const readiness = await request(server).get(
        `${api}/readiness/component/default/piloted`,
      );
      expect(readiness.body.stage).toBe('pilot');
    });

    it('4. neutralises spreadsheet formulas in both CSV exports', async () => {
      ws.capability('formula', {
        content: readySpec,
        title: '=HYPERLINK("http://evil.example.com","click")',
      });
      const { server } = await start();
      await refresh(server, 'formula');
      // A service whose name is a formula posts a check (services are decided
      // by their token's restrictions, which this one passes).
      const evil = "+cmd|'/C%20calc'!A0";
      const allowed = await request(server)
        .post(`${api}/checks/component/default/formula`)
        .set(
          'Authorization',
          mockCredentials.service.header({
            onBehalfOf: mockCredentials.service(evil),
            targetPluginId: 'handoff',
          }),
        )
        .send({ name: 'drift', kind: 'drift', status: 'pass' });
      expect([allowed.status, allowed.body?.error?.message]).toEqual([
        201,
        undefined,
      ]);

      const portfolio = await request(server)
        .get(`${api}/portfolio.csv?q=formula`)
        .set('Authorization', as('lin'));
      expect(portfolio.status).toBe(200);
      const [row]: Record<string, string>[] = parseCsv(portfolio.text, {
        columns: true,
      });
      expect(row.title).toBe(`'=HYPERLINK("http://evil.example.com","click")`);

      const trail = await request(server)
        .get(`${api}/audit.csv`)
        .set('Authorization', as('lin'));
      const rows: Record<string, string>[] = parseCsv(trail.text, {
        columns: true,
      });
      const check = rows.find(r => r.action === 'check:pass')!;
      expect(check.actor).toBe(`'${evil}`);
      expect(check.action).toBe('check:pass');
      for (const r of [...rows, row]) {
        for (const cell of Object.values(r)) {
          expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        }
      }
    });

    it('6. refuses a YAML alias bomb and stores nothing bigger than a small multiple of the file', async () => {
      const anchor = `x: &a [${Array.from(
        { length: 200 },
        () =>
          '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"',
      ).join(',')}]\n`;
      const bomb = `${anchor}y: [${Array.from({ length: 98 }, () => '*a').join(
        ', ',
      )}]\n`;
      ws.capability('bomb', { content: bomb });
      const { server, knex } = await start();
      const res = await refresh(server, 'bomb');
      expect(res.body).toMatchObject({ status: 'created', valid: false });
      const spec = await request(server).get(
        `${api}/specs/component/default/bomb`,
      );
      expect(spec.body.latest.errors[0].message).toMatch(
        /aliases expand this \d+ KB file/,
      );
      const [stored] = await knex('handoff_spec_versions').select('document');
      expect(stored.document).toBeNull();
    });

    it('7. one bad entity is one failed entity: a NUL byte or an oversized catalog string never fails the request', async () => {
      ws.capability('nul', { content: `${readySpec}# \0 binary\n` }).capability(
        'long',
        {
          content: readySpec,
          type: 'x'.repeat(300),
          title: `Title with a NUL \0 inside`,
        },
      );
      const { server } = await start();
      const nul = await refresh(server, 'nul');
      expect(nul.status).toBe(200);
      expect(nul.body).toEqual({
        status: 'unreadable',
        error: expect.stringMatching(/contains a NUL byte/),
      });
      const long = await refresh(server, 'long');
      expect(long.status).toBe(200);
      expect(long.body.status).toBe('created');
      const audit = await request(server)
        .get(`${api}/portfolio?q=long`)
        .set('Authorization', as('lin'));
      expect(audit.status).toBe(200);
      expect(audit.body.items[0].title).toBe('Title with a NUL  inside');
      const specs = await request(server).get(
        `${api}/specs/component/default/nul`,
      );
      expect(specs.status).toBe(200);
      expect(specs.body.readError).toMatch(/NUL byte/);
    });

    it('7b. refuses NUL characters in any text field with its path, on every database', async () => {
      ws.capability('texts', { content: readySpec, stage: 'pilot' });
      const { server } = await start();
      await refresh(server, 'texts');
      const cases: Array<[string, object, RegExp]> = [
        [
          'checks',
          { name: 'drift', kind: 'drift', status: 'pass', details: 'a\u0000b' },
          /^Invalid body: details: must not contain NUL characters$/,
        ],
        [
          'decisions',
          { decision: 'stop', rationale: 'why\u0000', expectedSequence: 0 },
          /^Invalid body: rationale: must not contain NUL characters$/,
        ],
        [
          'approvals',
          { decision: 'stop', role: 'accountable', comment: '\u0000' },
          /^Invalid body: comment: must not contain NUL characters$/,
        ],
      ];
      for (const [route, body, message] of cases) {
        const res = await request(server)
          .post(`${api}/${route}/component/default/texts`)
          .set('Authorization', as('ada'))
          .send(body);
        expect([route, res.status, res.body.error.message]).toEqual([
          route,
          400,
          expect.stringMatching(message),
        ]);
      }
      const checks = await request(server).get(
        `${api}/checks/component/default/texts`,
      );
      expect(checks.body.history).toEqual([]);
    });

    it('8. accepts only http and https links, with the field path', async () => {
      ws.capability('links', {
        content: readySpec.replace(
          'https://grafana.example.com/d/f',
          SCRIPT_URL,
        ),
      });
      const { server } = await start();
      const check = await request(server)
        .post(`${api}/checks/component/default/links`)
        .set('Authorization', as('ada'))
        .send({
          name: 'drift',
          kind: 'drift',
          status: 'fail',
          link: SCRIPT_URL,
        });
      expect(check.status).toBe(400);
      expect(check.body.error.message).toMatch(
        /^Invalid body: link: must be an http or https link/,
      );
      await refresh(server, 'links');
      const spec = await request(server).get(
        `${api}/specs/component/default/links`,
      );
      expect(spec.body.latest.valid).toBe(false);
      expect(spec.body.latest.errors).toContainEqual(
        expect.objectContaining({
          path: 'observability.dashboards[0].url',
          message: expect.stringMatching(/http or https/),
        }),
      );
    });

    it('9. pages /capabilities with a cursor and refuses an unbounded page', async () => {
      for (let i = 0; i < 5; i++) ws.capability(`cap-${i}`, { stage: 'pilot' });
      const { server } = await start();
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await request(server)
          .get(`${api}/capabilities`)
          .query({ limit: 2, ...(cursor && { cursor }) });
        expect(res.status).toBe(200);
        expect(res.body.totalItems).toBe(5);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((i: any) => i.entityRef));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(
        [0, 1, 2, 3, 4].map(i => `component:default/cap-${i}`),
      );
      const huge = await request(server).get(
        `${api}/capabilities?limit=100000`,
      );
      expect(huge.status).toBe(400);
      expect(huge.body.error.message).toMatch(/limit: must be at most 500/);
    });

    it('10. keeps the catalog-wide audit to callers granted handoff.audit.read', async () => {
      ws.capability('secret', { content: readySpec, title: 'Secret project' });
      const { server } = await start();
      await refresh(server, 'secret');
      for (const route of [
        'portfolio',
        'portfolio/facets',
        'portfolio/owners',
        'portfolio.csv',
        'audit',
        'audit.csv',
      ]) {
        const refused = await request(server)
          .get(`${api}/${route}`)
          .set('Authorization', as('grace'));
        expect(refused.status).toBe(403);
        expect(refused.text).not.toContain('Secret project');
        const allowed = await request(server)
          .get(`${api}/${route}`)
          .set('Authorization', as('lin'));
        expect(allowed.status).toBe(200);
      }
    });

    it('12. GET routes read no spec and write nothing', async () => {
      ws.capability('unread', { content: readySpec });
      const { server, knex } = await start();
      for (const route of [
        'specs',
        'readiness',
        'packet',
        'decisions',
        'checks',
      ]) {
        const res = await request(server).get(
          `${api}/${route}/component/default/unread`,
        );
        expect(res.status).toBe(200);
      }
      for (const table of [
        'handoff_spec_versions',
        'handoff_spec_reads',
        'handoff_entities',
        'handoff_audit_log',
      ]) {
        const [{ n }] = await knex(table).count('* as n');
        expect([table, Number(n)]).toEqual([table, 0]);
      }
    });
  },
);
