import { validateHandoffSpec } from '@handoff/backstage-plugin-handoff-common';
import { ServiceUnavailableError } from '@backstage/errors';
import { SpecParser } from './SpecParser';

const spec = `apiVersion: handoff.dev/v1alpha1
kind: HandoffSpec
intent:
  problem: Finance re-keys a monthly report
risk: { data: low, customerImpact: low, compliance: low, operationalDependency: low }
`;

/** About 1 MB, every one of its ~8,000 fields wrong. */
function costlySpec() {
  let text = `${spec}dataContracts:
  - name: big
    provenance: { sourceSystem: ledger }
    fields:
`;
  for (let i = 0; text.length < 1_000_000; i++) {
    text += `      field_${i}: { type: number, range: { min: 0, max: 100 }, driftTolerance: { metric: nope, threshold: 0.2 } }\n`;
  }
  return text;
}

describe('SpecParser', () => {
  const parser = new SpecParser();
  afterAll(() => parser.close());

  it('answers exactly what the validator answers, valid or not', async () => {
    for (const text of [
      spec,
      `${spec}owners: { operatingOwner: 7 }\n`,
      ': :',
    ]) {
      await expect(parser.parse(text)).resolves.toEqual(
        validateHandoffSpec(text),
      );
    }
  });

  it('parses a costly spec while the calling thread goes on', async () => {
    const text = costlySpec();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    const result = await parser.parse(text);
    clearInterval(timer);
    expect(result.valid).toBe(false);
    expect(result.errors.length).toBeGreaterThan(5_000);
    // Parsed on this thread, no timer could have fired until it ended.
    expect(ticks).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThan(0);
  });

  it('ends a spec that takes too long or too much memory, and goes on', async () => {
    const text = costlySpec();
    const slow = new SpecParser({ timeoutMs: 100 });
    const small = new SpecParser({ memoryMb: 48 });
    try {
      await expect(slow.parse(text)).rejects.toThrow(
        'This spec is too large to read: reading it took more than 100 ms',
      );
      await expect(small.parse(text)).rejects.toThrow(
        'This spec is too large to read: reading it needs more than 48 MB',
      );
      // A new thread takes the next spec.
      await expect(small.parse(spec)).resolves.toMatchObject({ valid: true });
      await expect(slow.parse(spec)).resolves.toMatchObject({ valid: true });
    } finally {
      await Promise.all([slow.close(), small.close()]);
    }
  }, 30_000);

  it('says it is busy, in words, when too many specs wait', async () => {
    const busy = new SpecParser();
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, () => busy.parse(spec)),
      );
      const refused = results.filter(r => r.status === 'rejected');
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) {
        const { reason } = r as PromiseRejectedResult;
        expect(reason).toBeInstanceOf(ServiceUnavailableError);
        expect(reason.message).toBe(
          '64 specs are already waiting to be read; try again in a minute',
        );
      }
      expect(results.filter(r => r.status === 'fulfilled').length).toBe(
        100 - refused.length,
      );
    } finally {
      await busy.close();
    }
  });
});
