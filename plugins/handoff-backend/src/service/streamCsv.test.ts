import express from 'express';
import http from 'http';
import { AddressInfo } from 'net';
import request from 'supertest';
import { streamCsv } from './streamCsv';

function appStreaming(pages: () => AsyncIterable<object[]>) {
  const app = express();
  app.get('/csv', async (_req, res, next) => {
    try {
      await streamCsv(res, 'x.csv', ['a', 'b'], pages());
    } catch (error) {
      next(error);
    }
  });
  return app;
}

describe('streamCsv', () => {
  it('writes a header and every page, formulas neutralised, numbers left alone', async () => {
    const res = await request(
      appStreaming(async function* pages() {
        yield [{ a: '=1+1', b: -3 }];
        yield [{ a: '@SUM(A1)', b: 'plain' }];
      }),
    ).get('/csv');
    expect(res.status).toBe(200);
    expect(res.text).toBe("a,b\n'=1+1,-3\n'@SUM(A1),plain\n");
  });

  it('aborts the response when a page fails half-way, instead of a complete-looking 200', async () => {
    const app = appStreaming(async function* pages() {
      yield Array.from({ length: 2000 }, (_, i) => ({
        a: i,
        b: 'x'.repeat(50),
      }));
      throw new Error('database went away');
    });
    const server = app.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const outcome = await new Promise<string>(resolve => {
        http.get(`http://127.0.0.1:${port}/csv`, res => {
          res.on('data', () => {});
          res.on('end', () => resolve('ended cleanly'));
          res.on('error', () => resolve('aborted'));
          res.on('aborted', () => resolve('aborted'));
        });
      });
      expect(outcome).toBe('aborted');
    } finally {
      server.close();
    }
  });

  it('stops paging when the client goes away', async () => {
    let pagesRead = 0;
    let finished = false;
    const app = appStreaming(async function* pages() {
      try {
        for (;;) {
          pagesRead += 1;
          yield Array.from({ length: 500 }, (_, i) => ({
            a: i,
            b: 'y'.repeat(200),
          }));
        }
      } finally {
        finished = true;
      }
    });
    const server = app.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>(resolve => {
        const req = http.get(`http://127.0.0.1:${port}/csv`, res => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => {});
      });
      for (let i = 0; i < 50 && !finished; i++) {
        await new Promise(r => setTimeout(r, 20));
      }
      expect(finished).toBe(true);
      const readAtStop = pagesRead;
      await new Promise(r => setTimeout(r, 200));
      expect(pagesRead).toBe(readAtStop);
    } finally {
      server.close();
    }
  });
});
