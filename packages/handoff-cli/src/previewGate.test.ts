import fs from 'fs';
import os from 'os';
import path from 'path';
import { main } from './validateFiles';

const examples = path.resolve(__dirname, '../../../examples/capabilities');

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: l => out.push(l),
    err: l => err.push(l),
  });
  return { code, out, err };
}

const lean = `apiVersion: handoff.dev/v1alpha1
kind: HandoffSpec
intent: { problem: Finance re-keys a monthly report }
risk: { data: low, customerImpact: low, compliance: low, operationalDependency: low }
acceptanceCriteria: [The report arrives by the 2nd]
owners: { operatingOwner: group:default/payments }
`;

describe('handoff-spec gates', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-gates-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('previews a low-risk hand-off under the default policy: four things, one missing', async () => {
    const file = write('handoff.yaml', lean);
    const { code, out } = await run(['gates', file, '--decision', 'hand-off']);
    expect(code).toBe(1);
    expect(out).toEqual([
      `${file}: hand-off under the default policy`,
      '  ✓ A valid handoff spec',
      '  ✓ The problem it solves (intent)',
      '  ✓ Acceptance criteria',
      '  ✗ A rollback procedure: Not in the spec yet: Deployment checklist and rollback',
      '  ✓ An operating owner that exists in the catalog (named; the portal checks it exists)',
      '  ? No drift or schema breach waiting for review: checked in the portal',
      '4 of 5 met in the file; 1 checked in the portal',
    ]);
    const fixed = write(
      'fixed.yaml',
      `${lean}deployment:\n  checklist: [{ item: Tell finance }]\n  rollback: { procedure: Switch the old report back on }\n`,
    );
    expect((await run(['gates', fixed, '--decision', 'hand-off'])).code).toBe(
      0,
    );
  });

  it('previews under a policy file, and lists approvals and checks as the portal’s to check', async () => {
    const policy = write(
      'policy.yaml',
      `apiVersion: handoff.dev/v1alpha1
kind: GatePolicy
reviewCadenceDays: { low: 120, medium: 60, high: 14 }
rules:
  - { id: runbook, description: A dashboard to run it by, decisions: [hand-off], require: { artifact: observability.dashboards } }
  - { id: sre, description: SRE signs off, decisions: [hand-off], require: { approval: group:default/sre } }
  - { id: tests, description: Tests pass, decisions: [hand-off], require: { checks: { kinds: [test] } } }
`,
    );
    const { code, out } = await run([
      'gates',
      path.join(examples, 'invoice-export/handoff.yaml'),
      '--decision',
      'hand-off',
      '--policy',
      policy,
    ]);
    expect(code).toBe(0);
    expect(out.slice(1)).toEqual([
      '  ✓ A valid handoff spec',
      '  ✓ A dashboard to run it by',
      '  ? SRE signs off: checked in the portal',
      '  ? Tests pass: checked in the portal',
      '  ? No drift or schema breach waiting for review: checked in the portal',
      '  ? Separation of duties: approved by someone other than whoever records the decision: checked in the portal',
      '2 of 2 met in the file; 4 checked in the portal',
    ]);
  });

  it('exits with 2 for an invalid policy or an unknown decision, and 1 for an invalid spec', async () => {
    const file = write('handoff.yaml', lean);
    const policy = write('policy.yaml', 'kind: GatePolicy\n');
    const bad = await run([
      'gates',
      file,
      '--decision',
      'hand-off',
      '--policy',
      policy,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toBe(`${policy}: not a valid gate policy`);
    expect(bad.err).toContain('  apiVersion: is required (line 1, column 1)');
    const unknown = await run(['gates', file, '--decision', 'ship-it']);
    expect(unknown.code).toBe(2);
    expect(unknown.err[0]).toMatch(/^--decision must be one of start-pilot, /);
    const broken = write(
      'broken.yaml',
      lean.replace('low, customerImpact', 'lowish, customerImpact'),
    );
    const invalid = await run(['gates', broken, '--decision', 'start-review']);
    expect(invalid.code).toBe(1);
    expect(invalid.out).toContain(
      '  ✗ A valid handoff spec: 1 error, listed below',
    );
    expect(invalid.out).toContain(
      '    risk.data: must be one of low, medium, high (line 4, column 15)',
    );
  });

  it('judges an invalid spec on being valid alone, with its risk profile still choosing the rules', async () => {
    // High data risk, and one mistake elsewhere (a target that is not a number or text).
    const high = write(
      'high.yaml',
      `${lean.replace(
        'data: low',
        'data: high',
      )}successCriteria:\n  - { metric: recall, target: [1], measuredBy: back-test }\n`,
    );
    const { code, out } = await run(['gates', high, '--decision', 'hand-off']);
    expect(code).toBe(1);
    expect(out.filter(l => l.startsWith('  ✗'))).toEqual([
      '  ✗ A valid handoff spec: 1 error, listed below',
    ]);
    // Present fields are not reported missing, and the high-risk rules are listed.
    expect(out.join('\n')).not.toMatch(/Not in the spec yet/);
    expect(out).toContain(
      '  · Data contracts with a drift tolerance (or a reason to be exempt) on every field: judged once the spec is valid',
    );
    expect(out).toContain(
      '    successCriteria[0].target: must be a number or text (line 8, column 31)',
    );
    expect(out[out.length - 1]).toMatch(
      /^0 of 1 met in the file; \d+ judged once the spec is valid/,
    );
    // A low-risk spec with the same mistake lists fewer rules.
    const low = write(
      'low.yaml',
      fs.readFileSync(high, 'utf8').replace('data: high', 'data: low'),
    );
    const lowOut = (await run(['gates', low, '--decision', 'hand-off'])).out;
    expect(lowOut.length).toBeLessThan(out.length);
  });

  it('previews every file it is given, and exits with the worst result', async () => {
    const good = write(
      'good.yaml',
      `${lean}deployment:\n  checklist: [{ item: Tell finance }]\n  rollback: { procedure: Switch the old report back on }\n`,
    );
    const broken = write('broken.yaml', 'intent: [\n');
    const both = await run(['gates', good, broken, '--decision', 'hand-off']);
    expect(both.code).toBe(1);
    expect(both.out).toContain(`${good}: hand-off under the default policy`);
    expect(both.out).toContain(`${broken}: hand-off under the default policy`);
    const missing = await run([
      'gates',
      good,
      path.join(dir, 'nope.yaml'),
      '--decision',
      'hand-off',
    ]);
    expect(missing.code).toBe(2);
    expect(
      (await run(['gates', good, good, '--decision', 'hand-off'])).code,
    ).toBe(0);
  });

  it('reports a spec nested too deep as one plain error, and nothing on stderr', async () => {
    const deep = write(
      'deep.yaml',
      `intent: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
    );
    const odd = write('odd.yaml', `${lean}x: !foo bar\n? [a]\n: 1\n`);
    for (const args of [
      ['validate', deep],
      ['gates', deep, '--decision', 'start-pilot'],
      ['validate', odd],
    ]) {
      const { code, out, err } = await run(args);
      expect({ args, code, err }).toEqual({ args, code: 1, err: [] });
      expect(out.join('\n')).not.toMatch(/call stack|Maximum/);
    }
    expect((await run(['validate', deep])).out).toEqual([
      `${deep}: invalid, 1 error`,
      '  spec: YAML nested deeper than 64 levels (line 1, column 72)',
    ]);
  });
});

describe('handoff-spec todo', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-todo-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('lists what is still to write in the words of the Handoff tab, by section, with the decision it holds back', async () => {
    const file = write(
      'handoff.yaml',
      `${lean}successCriteria:
  - { metric: TODO, target: 95, measuredBy: 'TODO: agree' }
deployment:
  checklist: [{ item: Tell finance, done: true }]
  rollback: { procedure: 'TODO: how to go back' }
`,
    );
    const { code, out, err } = await run(['todo', file]);
    expect(err).toEqual([]);
    expect(code).toBe(1);
    expect(out).toEqual([
      `${file}: still to write for the decisions after proposed: 2`,
      '  Success criteria',
      '    - Success criterion 1: the metric and how it is measured (still marked TODO; needed to start the pilot)',
      '  Deployment checklist and rollback',
      '    - Deployment checklist and rollback: the rollback procedure (still marked TODO; needed to hand off)',
    ]);
    // Later in the lifecycle, less lies ahead.
    const handedOff = await run(['todo', file, '--stage', 'handed-off']);
    expect(handedOff.out.join('\n')).not.toMatch(/Success criterion/);
  });

  it('says when nothing is left, refuses an unknown stage, and sends an invalid spec to validate', async () => {
    const example = path.join(examples, 'fraud-scoring/handoff.yaml');
    const done = await run(['todo', example, '--stage', 'operating']);
    expect(done.out).toEqual([
      `${example}: nothing left to write for the decisions after operating`,
    ]);
    expect(done.code).toBe(0);
    const wrong = await run(['todo', example, '--stage', 'live']);
    expect(wrong.code).toBe(2);
    expect(wrong.err[0]).toMatch(/^--stage must be one of proposed, pilot/);
    const invalid = write('bad.yaml', 'kind: HandoffSpec\n');
    const bad = await run(['todo', invalid]);
    expect(bad.code).toBe(1);
    expect(bad.out[0]).toMatch(/invalid, \d+ errors?; fix them first/);
  });
});
