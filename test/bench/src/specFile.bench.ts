/*
 * How long the CLI (and the portal) take to read a large handoff.yaml with
 * the one YAML reader: a 1 MB spec valid, with one mistake, and with every
 * field wrong (output capped); the CLI as installed from its package and
 * from source, on an example spec, 30 KB, 100 KB and 1 MB. Prints the
 * figures and writes test-results/benchmarks/spec-file.json.
 *
 *   yarn bench:spec
 */
import { validateHandoffSpec } from '@handoff/backstage-plugin-handoff-common';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

const root = path.resolve(__dirname, '../../..');

/** A valid spec of about `bytes`, one data contract with many fields. */
function bigSpec(bytes: number) {
  let text = `apiVersion: handoff.dev/v1alpha1
kind: HandoffSpec
intent:
  problem: Finance re-keys a monthly report
risk: { data: low, customerImpact: low, compliance: low, operationalDependency: low }
dataContracts:
  - name: big
    provenance: { sourceSystem: ledger }
    fields:
`;
  for (let i = 0; text.length < bytes; i++) {
    text += `      field_${i}: { type: number, description: the value of field ${i}, range: { min: 0, max: 100 }, driftTolerance: { metric: psi, threshold: 0.2 } }\n`;
  }
  return text;
}

function timed<T>(f: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const value = f();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

it('reads a 1 MB handoff.yaml', () => {
  const valid = bigSpec(1_000_000);
  // One mistake near the end: a number out of range.
  const oneMistake = valid.replace(
    /max: 100 }(?![\s\S]*max: 100 })/,
    'max: -1 }',
  );
  // Every field wrong.
  const manyMistakes = valid.replace(/metric: psi/g, 'metric: nope');
  const figures: Record<string, number | string> = {
    bytes: valid.length,
    fields: (valid.match(/field_/g) ?? []).length,
  };
  for (const [name, text] of Object.entries({
    valid,
    oneMistake,
    manyMistakes,
  })) {
    const [first, cold] = timed(() => validateHandoffSpec(text));
    const [, warm] = timed(() => validateHandoffSpec(text));
    expect(first.valid).toBe(name === 'valid');
    figures[`${name}ColdMs`] = Math.round(cold);
    figures[`${name}WarmMs`] = Math.round(warm);
    if (!first.valid) figures[`${name}Errors`] = first.errors.length;
  }

  // The CLI as a process: as installed from its package (its one-file
  // build, bundle.js; scripts/bench-spec.sh builds it) and from source (as
  // in this repository). The fastest of five runs each.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-'));
  const installed = path.join(
    root,
    'packages/handoff-cli/dist/handoff-spec.cjs.js',
  );
  const runner = path.join(dir, 'handoff-spec.js');
  fs.writeFileSync(
    runner,
    `require(${JSON.stringify(
      installed,
    )}).main(process.argv.slice(2)).then(c => { process.exitCode = c; });\n`,
  );
  const cli = {
    installed: [runner],
    fromSource: [path.join(root, 'packages/handoff-cli/bin/handoff-spec')],
  };
  const files = {
    // The largest example spec: what a real capability's file looks like.
    example: fs.readFileSync(
      path.join(root, 'examples/capabilities/fraud-scoring/handoff.yaml'),
      'utf8',
    ),
    valid30k: bigSpec(30_000),
    valid100k: bigSpec(100_000),
    valid,
    manyMistakes,
  };
  for (const [how, command] of Object.entries(cli)) {
    const fastest = (args: string[], status: number) => {
      let best = Infinity;
      let lines = 0;
      for (let i = 0; i < 5; i++) {
        const [run, ms] = timed(() =>
          spawnSync(process.execPath, [...command, ...args], {
            encoding: 'utf8',
          }),
        );
        expect({ args, status: run.status, stderr: run.stderr }).toEqual({
          args,
          status,
          stderr: '',
        });
        best = Math.min(best, ms);
        lines = run.stdout.split('\n').length - 1;
      }
      return [Math.round(best), lines];
    };
    figures[`cli_${how}_startMs`] = fastest(['--help'], 0)[0];
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(dir, `${name}.yaml`);
      fs.writeFileSync(file, text);
      const [ms, lines] = fastest(
        ['validate', file],
        name === 'manyMistakes' ? 1 : 0,
      );
      figures[`cli_${how}_${name}Ms`] = ms;
      figures[`cli_${how}_${name}Lines`] = lines;
    }
  }
  figures.measuredOn = `${os.cpus().length} cores, Node ${process.version}`;
  // eslint-disable-next-line no-console
  console.log(
    Object.entries(figures)
      .map(([k, v]) => `${k.padEnd(22)} ${v}`)
      .join('\n'),
  );
  const out = path.join(root, 'test-results/benchmarks');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, 'spec-file.json'),
    `${JSON.stringify(figures, null, 2)}\n`,
  );
});
