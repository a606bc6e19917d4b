import { mockServices } from '@backstage/backend-test-utils';
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { createLocalPublishAction } from './publishLocal';
import { createRegisterCapabilityAction } from './registerCapability';
import { createValidateSpecAction } from './validateSpec';

/** The parts of an action context these actions use. */
function createMockActionContext(options: {
  input: object;
  workspacePath: string;
  isDryRun?: boolean;
}) {
  return {
    ...options,
    logger: mockServices.logger.mock(),
    output: jest.fn(),
    getInitiatorCredentials: async () =>
      mockServices.auth().getOwnServiceCredentials(),
  };
}

const examples = path.resolve(__dirname, '../../../../examples/capabilities');

function workspaceWith(spec: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-action-'));
  fs.writeFileSync(path.join(dir, 'handoff.yaml'), spec);
  fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), 'kind: Component\n');
  return dir;
}

describe('handoff:spec:validate', () => {
  const action = createValidateSpecAction();

  it('passes a valid spec and outputs its risk tier', async () => {
    const ctx = createMockActionContext({
      input: { path: 'handoff.yaml' },
      workspacePath: workspaceWith(
        fs.readFileSync(
          path.join(examples, 'invoice-export/handoff.yaml'),
          'utf8',
        ),
      ),
    });
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('riskTier', 'medium');
  });

  it('fails with every error and its path', async () => {
    const ctx = createMockActionContext({
      input: { path: 'handoff.yaml' },
      workspacePath: workspaceWith(
        fs.readFileSync(
          path.join(examples, 'customer-360/handoff.yaml'),
          'utf8',
        ),
      ),
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /The handoff spec is invalid:\n {2}risk\.compliance: must be one of low, medium, high \(line 10, column 15\)\n[\s\S]*owners\.operatingOwner/,
    );
  });

  it('refuses a path outside the workspace or a missing file', async () => {
    const workspacePath = workspaceWith('');
    await expect(
      action.handler(
        createMockActionContext({
          input: { path: '../etc/passwd' },
          workspacePath,
        }) as any,
      ),
    ).rejects.toThrow(/outside/);
    await expect(
      action.handler(
        createMockActionContext({
          input: { path: 'nope.yaml' },
          workspacePath,
        }) as any,
      ),
    ).rejects.toThrow('There is no nope.yaml in the workspace');
  });
});

describe('handoff:publish:local', () => {
  it('writes the workspace and registers its catalog-info.yaml as a file: location', async () => {
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-publish-'));
    const catalog = {
      addLocation: jest.fn().mockResolvedValue({
        location: {},
        entities: [
          {
            kind: 'Component',
            metadata: { name: 'loyalty', namespace: 'default' },
          },
        ],
      }),
    };
    const action = createLocalPublishAction({
      catalog: catalog as any,
      auth: mockServices.auth(),
      directory: target,
    });
    const ctx = createMockActionContext({
      input: { name: 'loyalty' },
      workspacePath: workspaceWith('x: 1\n'),
    });
    await action.handler(ctx as any);
    expect(
      fs.readFileSync(path.join(target, 'loyalty/handoff.yaml'), 'utf8'),
    ).toBe('x: 1\n');
    expect(catalog.addLocation).toHaveBeenCalledWith(
      { type: 'file', target: path.join(target, 'loyalty/catalog-info.yaml') },
      expect.anything(),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/loyalty',
    );
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /was already published, or another run has just taken the name/,
    );
  });

  it('of two runs racing for one name, lets one write and tells the other in plain words', async () => {
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-publish-'));
    const catalog = {
      addLocation: jest.fn().mockResolvedValue({ location: {}, entities: [] }),
    };
    const action = createLocalPublishAction({
      catalog: catalog as any,
      auth: mockServices.auth(),
      directory: target,
    });
    const run = (content: string) =>
      action.handler(
        createMockActionContext({
          input: { name: 'raced' },
          workspacePath: workspaceWith(content),
        }) as any,
      );
    const results = await Promise.allSettled([run('a: 1\n'), run('b: 2\n')]);
    expect(results.map(r => r.status).sort()).toEqual([
      'fulfilled',
      'rejected',
    ]);
    const refused = results.find(
      r => r.status === 'rejected',
    ) as PromiseRejectedResult;
    expect(refused.reason.name).toBe('InputError');
    expect(refused.reason.message).toBe(
      'A capability called “raced” was already published, or another run has just taken the name. Choose another name; nothing was created or changed.',
    );
    // No server path, no system error code in what the person reads.
    expect(refused.reason.message).not.toMatch(/EEXIST|\//);
    // The files are the winner's alone, and registered once.
    const written = fs.readFileSync(
      path.join(target, 'raced/handoff.yaml'),
      'utf8',
    );
    expect(['a: 1\n', 'b: 2\n']).toContain(written);
    expect(catalog.addLocation).toHaveBeenCalledTimes(1);
  });

  it('leaves nothing behind to hold the name when publishing fails, and says so without server paths', async () => {
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-publish-'));
    const catalog = {
      addLocation: jest
        .fn()
        .mockRejectedValueOnce(
          Object.assign(new Error(`Unable to read ${target}/x`), {
            name: 'NotAllowedError',
          }),
        )
        .mockResolvedValue({ location: {}, entities: [] }),
    };
    const action = createLocalPublishAction({
      catalog: catalog as any,
      auth: mockServices.auth(),
      directory: target,
    });
    const run = () =>
      action.handler(
        createMockActionContext({
          input: { name: 'retried' },
          workspacePath: workspaceWith('a: 1\n'),
        }) as any,
      );
    const failed = await run().catch(e => e);
    expect(failed.message).toBe(
      "Could not publish “retried” (NotAllowedError). Nothing was kept; run the template again, or ask the portal's administrators if it keeps failing.",
    );
    expect(failed.message).not.toContain(target);
    expect(fs.existsSync(path.join(target, 'retried'))).toBe(false);
    // The name is free again: the next run writes and registers it.
    await run();
    expect(
      fs.readFileSync(path.join(target, 'retried/handoff.yaml'), 'utf8'),
    ).toBe('a: 1\n');
    expect(catalog.addLocation).toHaveBeenCalledTimes(2);
  });

  it('writes and registers nothing in a dry run', async () => {
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-publish-'));
    const catalog = { addLocation: jest.fn() };
    const action = createLocalPublishAction({
      catalog: catalog as any,
      auth: mockServices.auth(),
      directory: target,
    });
    await action.handler(
      createMockActionContext({
        input: { name: 'loyalty' },
        workspacePath: workspaceWith('x: 1\n'),
        isDryRun: true,
      }) as any,
    );
    expect(fs.existsSync(path.join(target, 'loyalty'))).toBe(false);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });
});

describe('handoff:capability:register', () => {
  it('calls nothing in a dry run', async () => {
    const discovery = { getBaseUrl: jest.fn(), getExternalBaseUrl: jest.fn() };
    const action = createRegisterCapabilityAction({
      discovery,
      auth: mockServices.auth(),
    });
    const ctx = createMockActionContext({
      input: {
        entityRef: 'component:default/loyalty',
      },
      workspacePath: workspaceWith('risk: { data: low }\n'),
      isDryRun: true,
    });
    await action.handler(ctx as any);
    expect(discovery.getBaseUrl).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith(
      'nextReviewAt',
      'not set in a dry run',
    );
  });
});

describe('handoff:capability:register against a Handoff backend', () => {
  /** The action pointed at a local server answering `/registrations` with `answer`. */
  async function registerWith(
    answer: (n: number) => { status: number; body: object },
    entityRef: string,
  ) {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const { status, body } = answer(seen.length);
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(body));
    });
    await new Promise<void>(resolve => server.listen(0, resolve));
    const port = (server.address() as { port: number }).port;
    const action = createRegisterCapabilityAction({
      discovery: {
        getBaseUrl: async () => `http://127.0.0.1:${port}/api/handoff`,
        getExternalBaseUrl: jest.fn(),
      },
      auth: mockServices.auth(),
    });
    const ctx = createMockActionContext({
      input: { entityRef },
      workspacePath: workspaceWith('x: 1\n'),
    });
    const run = action
      .handler(ctx as any)
      .finally(() => new Promise(resolve => server.close(resolve)));
    return { run, ctx, seen };
  }

  it('waits while the catalog has not taken the entity in, then gives the first review date in words', async () => {
    const { run, ctx, seen } = await registerWith(
      n =>
        n < 3
          ? { status: 404, body: { error: { message: 'not in the catalog' } } }
          : {
              status: 200,
              body: {
                stage: 'proposed',
                nextReviewAt: '2026-12-26T09:29:26.524Z',
              },
            },
      'component:default/loyalty',
    );
    await run;
    expect(seen).toEqual(Array(3).fill('POST /api/handoff/registrations'));
    expect(ctx.output).toHaveBeenCalledWith(
      'nextReviewAt',
      '2026-12-26T09:29:26.524Z',
    );
    expect(ctx.output).toHaveBeenCalledWith('nextReviewOn', '26 December 2026');
  });

  it('fails the run in plain words when Handoff refuses (an entity with a history)', async () => {
    const { run, ctx } = await registerWith(
      () => ({
        status: 409,
        body: {
          error: { message: 'churn-model already has a readiness history' },
        },
      }),
      'component:default/churn-model',
    );
    await expect(run).rejects.toThrow(
      'Handoff did not register component:default/churn-model: churn-model already has a readiness history',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
