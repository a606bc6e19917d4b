/*
 * A property test: random malformed requests across every route, on SQLite and
 * PostgreSQL. Whatever arrives, the answer is a 2xx or a 4xx, never a 5xx.
 */
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import fc from 'fast-check';
import request from 'supertest';
import { handoffPlugin } from '../plugin';
import { capabilityFixture, userInfoFactory } from '../__testUtils__/fixtures';

/** The attack under test: a link that runs script. */
// eslint-disable-next-line no-script-url
const SCRIPT_URL = 'javascript:alert(1)';

jest.setTimeout(300_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const entityRoutes: Array<['get' | 'post', string]> = [
  ['get', '/readiness/{e}'],
  ['get', '/packet/{e}'],
  ['get', '/decisions/{e}'],
  ['post', '/decisions/{e}'],
  ['get', '/approvals/{e}'],
  ['post', '/approvals/{e}'],
  ['post', '/transfer/{e}/accept'],
  ['get', '/checks/{e}'],
  ['post', '/checks/{e}'],
  ['get', '/specs/{e}'],
  ['get', '/specs/{e}/versions'],
  ['get', '/specs/{e}/versions/{s}'],
  ['get', '/specs/{e}/diff'],
  ['post', '/specs/{e}/refresh'],
];
const plainRoutes: Array<['get' | 'post', string]> = [
  ['get', '/capabilities'],
  ['post', '/registrations'],
  ['get', '/audit'],
  ['get', '/audit.csv'],
  ['get', '/portfolio'],
  ['get', '/portfolio/facets'],
  ['get', '/portfolio/owners'],
  ['get', '/portfolio.csv'],
];

/** Path segments a hostile caller would try, and some random ones. */
const segment = fc.oneof(
  fc.constantFrom(
    'component',
    'default',
    'forecast',
    '..',
    '%2e%2e',
    '%00',
    '%E2%80%AE',
    'a'.repeat(2000),
    '%F0%9F%92%A9',
    '-1',
    '0',
    '99999999999999999999',
  ),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
);

/** Values for bodies and queries: wrong types, NUL bytes, huge numbers, nesting. */
const value = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      '',
      '\u0000',
      'x\u0000y',
      -1,
      1e308,
      Number.MAX_SAFE_INTEGER,
      '2026-02-31',
      SCRIPT_URL,
      'file:///etc/passwd',
      '=1+1',
      null,
      true,
      '__proto__',
    ),
    weight: 4,
  },
  fc.string({ maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

const fieldNames = fc.constantFrom(
  'decision',
  'rationale',
  'expectedSequence',
  'specVersion',
  'nextReviewAt',
  'exception',
  'role',
  'comment',
  'name',
  'kind',
  'status',
  'value',
  'details',
  'link',
  'entityRef',
  'risk',
  'actor',
  'limit',
  'offset',
  'cursor',
  'before',
  'from',
  'to',
  'format',
  'q',
  'stage',
  'gap',
  'owner',
  'sort',
  '__proto__',
  'constructor',
);
const record = fc.dictionary(fieldNames, value, { maxKeys: 6 });

/** A valid body per write route: one field replaced gets a request past most of the schema. */
const validBodies: Record<string, Array<Record<string, unknown>>> = {
  '/decisions/{e}': [
    { decision: 'stop', rationale: 'r', expectedSequence: 0 },
    { decision: 'start-review', rationale: 'r', expectedSequence: 0 },
  ],
  '/approvals/{e}': [
    { decision: 'start-review', role: 'accountable', comment: 'c' },
  ],
  '/checks/{e}': [
    { name: 'drift', kind: 'drift', status: 'fail', details: 'd', value: 1 },
  ],
  '/registrations': [{ entityRef: 'component:default/forecast' }],
};

const nearlyValid = (bodies: Array<Record<string, unknown>>) =>
  fc.tuple(fc.constantFrom(...bodies), fc.nat(), value).map(([body, n, v]) => {
    const keys = Object.keys(body);
    return { ...body, [keys[n % keys.length]]: v };
  });

const malformedRequest = fc
  .constantFrom(...entityRoutes, ...plainRoutes)
  .chain(route =>
    fc.record({
      route: fc.constant(route),
      realEntity: fc.boolean(),
      kind: segment,
      namespace: segment,
      name: segment,
      version: segment,
      query: record,
      body: validBodies[route[1]]
        ? fc.oneof(
            { arbitrary: nearlyValid(validBodies[route[1]]), weight: 3 },
            { arbitrary: fc.oneof(record, value), weight: 1 },
          )
        : fc.oneof(record, value),
    }),
  );

describe.each(databases.eachSupportedId())(
  'malformed requests on %s',
  databaseId => {
    async function start(fixture: ReturnType<typeof capabilityFixture>) {
      const { server } = await startTestBackend({
        features: [
          handoffPlugin,
          fixture.catalog,
          userInfoFactory,
          mockServices.database.factory({
            knex: await databases.init(databaseId),
          }),
        ],
      });
      return server;
    }

    it('never get a 5xx across every route (1,500 random requests)', async () => {
      const fixture = capabilityFixture();
      try {
        const server = await start(fixture);
        const auth = mockCredentials.user.header('user:default/ada');
        const failures: string[] = [];
        await fc.assert(
          fc.asyncProperty(malformedRequest, async r => {
            const [method, template] = r.route;
            // Half the time the real entity, so the request gets past the 404.
            const entity = r.realEntity
              ? 'component/default/forecast'
              : `${r.kind}/${r.namespace}/${r.name}`;
            const url = `/api/handoff${template
              .replace('{e}', entity)
              .replace('{s}', r.version)}`;
            const query = Object.entries(r.query)
              .map(
                ([k, v]) =>
                  `${encodeURIComponent(k)}=${encodeURIComponent(
                    typeof v === 'string' ? v : JSON.stringify(v),
                  )}`,
              )
              .join('&');
            let call = request(server)
              [method](query ? `${url}?${query}` : url)
              .set('Authorization', auth);
            if (method === 'post') {
              call = call
                .set('Content-Type', 'application/json')
                .send(JSON.stringify(r.body));
            }
            const res = await call;
            if (res.status >= 500) {
              failures.push(
                `${method.toUpperCase()} ${url}?${query} ${JSON.stringify(
                  r.body,
                )} -> ${res.status} ${res.text.slice(0, 300)}`,
              );
            }
            return res.status < 500;
          }),
          { numRuns: 1500, seed: 20261126, endOnFailure: true },
        );
        expect(failures).toEqual([]);
      } finally {
        fixture.cleanup();
      }
    });

    it('answers a deeply nested body and a . or .. in an entity ref with 400 in plain words', async () => {
      const fixture = capabilityFixture();
      try {
        const server = await start(fixture);
        const auth = mockCredentials.user.header('user:default/ada');
        // 5,000 nested lists (20 kB): the request's NUL scan once overflowed the stack.
        const deep = `{"decision":"stop","rationale":${'['.repeat(
          5000,
        )}${']'.repeat(5000)},"expectedSequence":0}`;
        for (const route of Object.keys(validBodies)) {
          const url = `/api/handoff${route.replace(
            '{e}',
            'component/default/forecast',
          )}`;
          const res = await request(server)
            .post(url)
            .set('Authorization', auth)
            .set('Content-Type', 'application/json')
            .send(deep);
          expect({ url, status: res.status }).toEqual({ url, status: 400 });
          expect(res.body.error.message).toMatch(
            /is nested deeper than 64 levels/,
          );
        }
        for (const [method, template] of entityRoutes) {
          for (const entity of [
            'component/%2e%2e/%2e%2e',
            'component/default/.',
            '%2e/default/forecast',
          ]) {
            const url = `/api/handoff${template
              .replace('{e}', entity)
              .replace('{s}', '1')}${
              template.endsWith('/diff') ? '?from=1&to=2' : ''
            }`;
            const res = await request(server)
              [method](url)
              .set('Authorization', auth)
              .send(validBodies[template]?.[0] ?? {});
            expect({ url, status: res.status }).toEqual({ url, status: 400 });
            expect(res.body.error.message).toMatch(/must not be \. or \.\./);
          }
        }
      } finally {
        fixture.cleanup();
      }
    });
  },
);
