import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { InputError, ResponseError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { unavailableWhileDependenciesAreDown } from './unavailable';

/** An app whose one route throws `error`, behind Backstage's own error handler. */
function appThrowing(error: unknown) {
  const router = Router();
  router.post('/decisions', async () => {
    throw error;
  });
  router.use(unavailableWhileDependenciesAreDown);
  const app = express();
  app.use(router);
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return app;
}

describe('unavailableWhileDependenciesAreDown', () => {
  const refused = Object.assign(
    new Error('connect ECONNREFUSED 127.0.0.1:5432'),
    { code: 'ECONNREFUSED' },
  );

  it.each([
    ['the database refuses connections', refused],
    [
      'PostgreSQL is shutting down',
      Object.assign(
        new Error('terminating connection due to administrator command'),
        {
          code: '57P01',
        },
      ),
    ],
    [
      'no connection could be had from the pool',
      Object.assign(new Error('Knex: Timeout acquiring a connection.'), {
        name: 'KnexTimeoutError',
      }),
    ],
    ['a connection was cut', new Error('Connection terminated unexpectedly')],
    [
      'the catalog failed for the same reason',
      Object.assign(new Error('Request failed with 500'), {
        name: 'ResponseError',
        statusCode: 500,
      }),
    ],
    ['the cause was the database', new Error('wrapped', { cause: refused })],
  ])('answers 503 with a plain message when %s', async (_, error) => {
    const res = await request(appThrowing(error)).post('/decisions');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe(
      'Handoff cannot reach its database or the catalog right now; nothing was changed. Try again in a moment.',
    );
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
  });

  it('leaves every other error as it was', async () => {
    expect(
      (await request(appThrowing(new InputError('bad'))).post('/decisions'))
        .status,
    ).toBe(400);
    expect(
      (await request(appThrowing(new Error('a bug'))).post('/decisions'))
        .status,
    ).toBe(500);
    const notFound = Object.assign(new Error('Request failed with 404'), {
      name: 'ResponseError',
      statusCode: 404,
    }) as unknown as ResponseError;
    expect(
      (await request(appThrowing(notFound)).post('/decisions')).status,
    ).toBe(404);
  });
});
