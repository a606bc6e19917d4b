import { InputError } from '@backstage/errors';
import { failingInWords } from './module';

describe('failingInWords', () => {
  it("leaves a failed step's message, and nothing of where the server failed, for the run's log", async () => {
    const action = failingInWords({
      id: 'handoff:test',
      handler: async () => {
        throw new InputError('Choose another name; nothing was created.');
      },
    } as any);
    const failure = await action.handler({} as any).catch((e: any) => e);
    expect(failure).toBeInstanceOf(InputError);
    expect(failure.message).toBe('Choose another name; nothing was created.');
    // The scaffolder logs `String(error.stack)` for a failed step.
    expect(String(failure.stack)).toBe(
      'Choose another name; nothing was created.',
    );
  });

  it('passes a step that succeeds through unchanged', async () => {
    const action = failingInWords({
      id: 'handoff:test',
      handler: async (ctx: any) => ctx.output('done', true),
    } as any);
    const output = jest.fn();
    await action.handler({ output } as any);
    expect(output).toHaveBeenCalledWith('done', true);
  });
});
