import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { handoffPlugin } from '../../plugin';
import {
  capabilityFixture,
  readySpec,
  userInfoFactory,
} from '../../__testUtils__/fixtures';

jest.setTimeout(60_000);

const path = '/api/handoff';
const ref = 'component/default/forecast';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const service = (subject: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
  } as any);

describe('rate limits', () => {
  let fixture: ReturnType<typeof capabilityFixture>;
  afterEach(() => fixture.cleanup());

  async function start() {
    fixture = capabilityFixture(readySpec);
    const { server } = await startTestBackend({
      features: [
        handoffPlugin,
        fixture.catalog,
        userInfoFactory,
        mockServices.rootConfig.factory({
          data: {
            handoff: {
              rateLimits: { checksPerMinute: 5, refreshesPerMinute: 2 },
            },
          },
        }),
      ],
    });
    return server;
  }

  it('answers 429 with Retry-After to a credential past its check results a minute, and only to it', async () => {
    const server = await start();
    const post = (who: string, i: number) =>
      request(server)
        .post(`${path}/checks/${ref}`)
        .set('Authorization', service(who))
        .send({ name: `smoke-${i}`, kind: 'test', status: 'pass' });
    for (let i = 0; i < 5; i++) {
      expect((await post('external:ci', i)).status).toBe(201);
    }
    const refused = await post('external:ci', 5);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.body.error.message).toMatch(
      /^Too many check results from one credential: at most 5 a minute\. Try again in \d+ seconds\.$/,
    );
    // The refused result was not stored.
    const checks = await request(server).get(`${path}/checks/${ref}`);
    expect(checks.body.latest).toHaveLength(5);
    // Another pipeline, and everyone else's reads, go on.
    expect((await post('external:other-ci', 9)).status).toBe(201);
    expect((await request(server).get(`${path}/readiness/${ref}`)).status).toBe(
      200,
    );
    // No credential: 401, not a count.
    const anonymous = await request(server)
      .post(`${path}/checks/${ref}`)
      .set('Authorization', mockCredentials.none.header())
      .send({ name: 'x', kind: 'test', status: 'pass' });
    expect(anonymous.status).toBe(401);
  });

  it('limits "Read now" per caller and capability', async () => {
    const server = await start();
    const read = (who: string) =>
      request(server)
        .post(`${path}/specs/${ref}/refresh`)
        .set('Authorization', as(who));
    expect((await read('ada')).status).toBe(200);
    expect((await read('ada')).status).toBe(200);
    const third = await read('ada');
    expect(third.status).toBe(429);
    expect(third.body.error.message).toMatch(
      /^Too many reads of the spec: at most 2 a minute for each capability\./,
    );
    expect((await read('alan')).status).toBe(200);
  });
});
