import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { main } from './validateFiles';

const examples = path.resolve(__dirname, '../../../examples/capabilities');
const good = path.join(examples, 'churn-model/handoff.yaml');
const bad = path.join(examples, 'customer-360/handoff.yaml');

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: l => out.push(l),
    err: l => err.push(l),
  });
  return { code, out, err };
}

describe('handoff-spec validate', () => {
  it('passes a valid file with a one-line summary', async () => {
    const { code, out } = await run(['validate', good]);
    expect(code).toBe(0);
    expect(out).toEqual([
      `${good}: valid (risk: data high, customer impact medium, compliance medium, operational dependency low)`,
    ]);
  });

  it('fails an invalid file with every error at its path, line and column', async () => {
    const { code, out } = await run(['validate', good, bad]);
    expect(code).toBe(1);
    expect(out).toEqual([
      expect.stringContaining(`${good}: valid`),
      `${bad}: invalid, 5 errors`,
      '  risk.compliance: must be one of low, medium, high (line 10, column 15)',
      '  dataContracts[0].fields.age.range.max: min must not be greater than max (line 19, column 33)',
      '  dataContracts[0].fields.segment.values: an enum field must list its allowed values (line 21, column 9)',
      '  dataContracts[0].quality.completness: is not a known field (check the spelling) (line 23, column 20)',
      '  owners.operatingOwner: must be a group or user entity ref, like group:default/sre or user:ada (line 25, column 19)',
      '2 files: 1 valid, 1 invalid',
    ]);
  });

  it("checks the pilot's evidence like every other section", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-cli-'));
    const file = path.join(dir, 'handoff.yaml');
    fs.writeFileSync(
      file,
      `${fs.readFileSync(good, 'utf8').replace(/\npilot:[\s\S]*$/, '')}
pilot:
  usage:
    - { metric: Scored, value: -3, unit: subscribers, period: week }
  feedback:
    - { title: Notes, url: 'file:///etc/passwd' }
  validatedBy:
    - { who: retention team, date: last week }
`,
    );
    const { code, out } = await run(['validate', file]);
    expect(code).toBe(1);
    expect(out).toEqual([
      `${file}: invalid, 3 errors`,
      '  pilot.validatedBy[0].date: must be a date like 2026-05-01 (line 110, column 36)',
      '  pilot.usage[0].value: must be zero or more (line 106, column 32)',
      '  pilot.feedback[0].url: must be an http or https URL, like https://grafana.example.com/d/abc (line 108, column 28)',
    ]);
  });

  it('prints the first errors of a file with thousands of them, and counts the rest', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-cli-'));
    const file = path.join(dir, 'handoff.yaml');
    const fields = Array.from(
      { length: 5_000 },
      (_, i) => `      f${i}: { type: text }`,
    );
    fs.writeFileSync(
      file,
      fs
        .readFileSync(good, 'utf8')
        .replace(
          /^dataContracts:[\s\S]*?(?=^\S)/m,
          `dataContracts:\n  - name: big\n    provenance: { sourceSystem: s }\n    fields:\n${fields.join(
            '\n',
          )}\n`,
        ),
    );
    const { code, out } = await run(['validate', file]);
    expect(code).toBe(1);
    expect(out[0]).toMatch(/: invalid, 500\d errors$/);
    expect(out).toHaveLength(1 + 50 + 1);
    expect(out[51]).toMatch(
      /^ {2}\.\.\. and 49\d\d more \(fix these first, or pass --max-errors 500\d\)$/,
    );
    const fewer = await run(['validate', '--max-errors', '3', file]);
    expect(fewer.out).toHaveLength(1 + 3 + 1);
    const wrong = await run(['validate', '--max-errors', '0', file]);
    expect(wrong.code).toBe(2);
    expect(wrong.err.join('\n')).toMatch(/must be a whole number, 1 or more/);
  }, 60_000);

  it('exits with 2 for a file it cannot read or a wrong command', async () => {
    const missing = await run(['validate', '/nonexistent/handoff.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.err).toEqual([
      '/nonexistent/handoff.yaml: cannot be read (ENOENT)',
    ]);
    expect((await run([])).code).toBe(2);
    expect((await run(['check', good])).code).toBe(2);
  });

  it('runs as a real process and sets its exit code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-cli-'));
    const broken = path.join(dir, 'handoff.yaml');
    fs.writeFileSync(broken, 'apiVersion: handoff.dev/v1alpha1\nkind: [\n');
    const bin = path.resolve(__dirname, '../bin/handoff-spec');
    const error = await promisify(execFile)(process.execPath, [
      bin,
      'validate',
      broken,
    ]).catch(e => e);
    expect(error.code).toBe(1);
    expect(error.stdout).toContain(`${broken}: invalid, 1 error`);
    expect(error.stdout).toMatch(
      /YAML syntax error: .* \(line \d+, column \d+\)/,
    );
    const ok = await promisify(execFile)(process.execPath, [
      bin,
      'validate',
      good,
    ]);
    expect(ok.stdout).toContain('valid (risk: data high');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
