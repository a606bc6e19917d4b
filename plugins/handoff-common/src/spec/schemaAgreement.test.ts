import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fs from 'fs';
import path from 'path';
import { parse, stringify } from 'yaml';
import fc from 'fast-check';
import { z } from 'zod';
import {
  MAX_YAML_DEPTH,
  parseSpecYaml,
  validateHandoffSpec,
  validateYaml,
} from './validate';

/*
 * One schema for real: the committed JSON Schema (what editors use, checked
 * here by ajv, a validator nobody here wrote) and the zod validator (what
 * the portal and the CLI use) give the same verdict on every file — the
 * examples and a seeded corpus of mutated specs. The only allowed
 * difference: refinements JSON Schema cannot express, listed below.
 */

const root = path.resolve(__dirname, '../../../..');
const jsonSchema = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../handoff.schema.json'), 'utf8'),
);
// JSON has no NaN or infinity: numbers are finite (strictNumbers).
const ajv = new Ajv2020({
  strict: false,
  allErrors: false,
  strictNumbers: true,
});
addFormats(ajv);
const ajvValidate = ajv.compile(jsonSchema);

/** Zod refinements JSON Schema cannot express: the only allowed difference. */
const REFINEMENTS = [
  'min must not be greater than max',
  'an enum field must list its allowed values',
  'a field has either a drift tolerance or a reason to be exempt, not both',
  'must describe at least one field',
];

/** What each side says of one file: the validator the portal and CLI use, and ajv. */
function verdicts(yamlText: string) {
  const value = parseSpecYaml(yamlText);
  const ours = validateHandoffSpec(yamlText);
  const onlyRefinements =
    !ours.valid && ours.errors.every(e => REFINEMENTS.includes(e.message));
  return {
    zod: ours.valid,
    ajv: ajvValidate(value) as boolean,
    onlyRefinements,
    issues: ours.valid ? [] : ours.errors.map(e => `${e.path}: ${e.message}`),
    ajvErrors: ajvValidate.errors,
  };
}

const examples = fs
  .readdirSync(path.join(root, 'examples/capabilities'))
  .map(dir =>
    fs.readFileSync(
      path.join(root, 'examples/capabilities', dir, 'handoff.yaml'),
      'utf8',
    ),
  );

/** A small seeded PRNG (mulberry32): the corpus is the same on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values a hostile or careless author writes where something else belongs. */
const ODD_VALUES: unknown[] = [
  '',
  '   ',
  '\t\n',
  ' x ',
  0,
  -1,
  1.5,
  1e308,
  '42',
  true,
  null,
  [],
  {},
  ['a'],
  'GROUP:default/SRE',
  'group:default/sre',
  'user:ada',
  'group:Default/Data-Science',
  'https://',
  'https://grafana/d/a b',
  'https://grafana.example.com:99999/d/x',
  'http://999.999.999.999/x',
  'https://grafana.example.com/d/abc',
  'ftp://files.example.com/x',
  // eslint-disable-next-line no-script-url -- a value the schema must refuse
  'javascript:alert(1)',
  'HTTPS://EXAMPLE.COM/X',
  '2026-01-15',
  'x'.repeat(600),
];

/** Every path to a value in a document. */
function paths(value: unknown, at: PropertyKey[] = []): PropertyKey[][] {
  if (Array.isArray(value)) {
    return [at, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  }
  if (value && typeof value === 'object') {
    return [
      at,
      ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k])),
    ];
  }
  return [at];
}

function setIn(doc: any, at: PropertyKey[], value: unknown) {
  if (at.length === 0) return value;
  let node = doc;
  for (const key of at.slice(0, -1)) node = node[key as any];
  node[at[at.length - 1] as any] = value;
  return doc;
}

function deleteIn(doc: any, at: PropertyKey[]) {
  let node = doc;
  for (const key of at.slice(0, -1)) node = node[key as any];
  const last = at[at.length - 1];
  if (Array.isArray(node)) node.splice(last as number, 1);
  else delete node[last as any];
}

/** One mutation of a spec, as YAML text. */
function mutate(yamlText: string, next: () => number): string {
  const doc = parse(yamlText);
  const all = paths(doc).filter(p => p.length > 0);
  const at = all[Math.floor(next() * all.length)];
  const pick = next();
  if (pick < 0.55) {
    setIn(doc, at, ODD_VALUES[Math.floor(next() * ODD_VALUES.length)]);
  } else if (pick < 0.7) {
    deleteIn(doc, at);
  } else if (pick < 0.8) {
    // An unknown key next to a known one.
    const parent = at.slice(0, -1);
    const node = parent.reduce((n: any, k) => n[k as any], doc);
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      node.colour = 'blue';
    }
  } else {
    // A data field with an awkward name.
    const names = ['__proto__', 'constructor', 'prototype', 'Order_ID', '1st'];
    const name = names[Math.floor(next() * names.length)];
    const contract = doc.dataContracts?.[0];
    if (contract?.fields) {
      return stringify(doc).replace(
        /^(\s+)fields:\n/m,
        (_m, indent) =>
          `${indent}fields:\n${indent}  ${name}: { type: string, driftExempt: an id }\n`,
      );
    }
  }
  return stringify(doc);
}

/** Hand-written files for what a mutation of parsed data cannot produce. */
const SPECIAL = [
  // YAML's non-finite numbers where no bound applies.
  examples[0].replace(/target: [^\n]+/, 'target: .nan'),
  examples[0].replace(/target: [^\n]+/, 'target: .inf'),
  // A YAML 1.1 document: its dates stay text, as the JSON Schema sees them.
  `%YAML 1.1\n---\n${examples[0]}`,
];

/** Scalars and shapes where two YAML readers could differ. */
const ODD_YAML = [
  ...[
    '0b101',
    '-0x1F',
    '0x1F',
    '+0o17',
    '0o17',
    '017',
    '1_000',
    '+12',
    '-0',
    '1.',
    '.5',
    '1e3',
    '1E-3',
    '.inf',
    '-.Inf',
    '.NaN',
    '.nan',
    '~',
    'Null',
    'NULL',
    'TRUE',
    'False',
    'yes',
    'on',
    'y',
    '2026-01-01',
    '2026-01-01T10:00:00Z',
    '12:30',
    '1:30:00',
    '99999999999999999999',
    '1e400',
    "'quoted'",
    '"x\\ty"',
    '0.1e+2',
    '- 1',
    'R&D',
    'a * b',
    '<<',
  ].map(scalar => `intent:\n  problem: ${scalar}\n`),
  'intent: {problem: a, outcome: [1, 2]}\n',
  '? intent\n: problem\n',
  'intent:\n  problem: &a x\n  outcome: *a\n',
  'intent: !!str 1\n',
  '%YAML 1.1\n---\nintent: 2026-01-01\n',
  'intent:\n\tproblem: tab\n',
  'a: 1\na: 2\n',
  '---\na: 1\n---\nb: 2\n',
  '{[a, b]: 1}\n',
  'intent: "unterminated\n',
  '"1": one\n1: again\n',
  '__proto__: x\n',
  'intent:\n  problem: >\n    folded\n    text\n',
  'intent:\n  problem: |-\n    literal\n',
  // Syntax one reader might forgive: the fast one must not.
  'a: b: c\n',
  'a:\n  - x\n  y: 1\n',
  "a: 'it''s' # a comment\n",
  '- a\nb: 1\n',
  'a: [1, 2\n',
  'a: {b: 1\n',
  '  a: 1\n b: 2\n',
  'a: "\\q"\n',
  'a: @x\n',
  'a: `x\n',
  'a: x\n  b: y\n',
  'a:\n- 1\n- 2\n',
  'a: x #c\nb: y#not a comment\n',
  'a: 1\n...\n',
  '\ufeffa: 1\n',
];

/** One minimal file per way two YAML readers were seen to differ. */
const fixtures = path.join(__dirname, '__fixtures__/yaml');
const CAUSES = Object.fromEntries(
  fs
    .readdirSync(fixtures)
    .map(name => [name, fs.readFileSync(path.join(fixtures, name), 'utf8')]),
);

/**
 * What the one reader gives each tool for a file: the data the validator's
 * schema was handed, the data the validation result carries (what the
 * backend stores, diffs and packs), and the data parseSpecYaml hands other
 * validators — or, when the file is not YAML 1.2, the line each refuses it at.
 */
function readings(text: string) {
  let judged: unknown = 'never judged';
  const spy = z.custom(value => {
    judged = value;
    return true;
  });
  const validation = validateYaml(text, spy);
  let parsed: unknown;
  let refusedAt: string | undefined;
  try {
    parsed = parseSpecYaml(text);
  } catch (error) {
    refusedAt = /\(line \d+, column \d+\)/.exec(String(error))?.[0] ?? String(error);
  }
  return { validation, judged, parsed, refusedAt };
}

function expectOneReading(text: string) {
  const { validation, judged, parsed, refusedAt } = readings(text);
  const spec = validateHandoffSpec(text);
  if (refusedAt !== undefined) {
    // Refused as YAML: by every tool, at the same line.
    expect({ text, valid: spec.valid }).toEqual({ text, valid: false });
    const first = (validation.valid ? [] : validation.errors)[0];
    const at = first?.line
      ? `(line ${first.line}, column ${first.column})`
      : undefined;
    if (at) expect({ text, refusedAt }).toEqual({ text, refusedAt: at });
    return 'refused';
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    if (judged === 'never judged') {
      // Refused before any schema sees it (a key named __proto__).
      expect({ text, valid: spec.valid }).toEqual({ text, valid: false });
    } else {
      expect({ text, judged }).toEqual({ text, judged: parsed });
    }
    expect({ text, document: spec.document }).toEqual({
      text,
      document: parsed,
    });
  }
  return 'read';
}

describe('the one YAML reader', () => {
  it('gives the validator, the stored document and other tools the same data, over the corpus', () => {
    const next = random(7);
    const corpus = [
      ...examples,
      ...SPECIAL,
      ...ODD_YAML,
      ...Object.values(CAUSES),
    ];
    for (let i = 0; i < 500; i++) {
      corpus.push(mutate(examples[i % examples.length], next));
    }
    const outcomes = corpus.map(expectOneReading);
    expect(outcomes.filter(o => o === 'read').length).toBeGreaterThan(500);
    expect(outcomes).toContain('refused');
  });

  it('holds for generated YAML (property test)', () => {
    const token = fc.constantFrom(
      'a', 'b: ', '- ', '  ', '\n', '\t', '"', "'", '[', ']', '{', '}', ', ',
      '? ', '&x ', '*x', '!', '!!str ', '#', '---', '...', '-.5', '+.5',
      '1.e400', '10_000', '0x1F', 'null', '~', '|', '>', '\r', '\ufeff',
      '\\U00110000', ': ',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), parts => {
        expectOneReading(parts.join(''));
      }),
      { numRuns: 3000, seed: 20261206 },
    );
  });

  it.each(Object.keys(CAUSES))(
    'reads %s one way (the causes two readers disagreed on)',
    name => {
      expectOneReading(CAUSES[name]);
    },
  );

  it('reads each cause as YAML 1.2 says, or refuses it with its line', () => {
    const spec = (name: string) => validateHandoffSpec(CAUSES[name]);
    const target = (name: string, i: number) =>
      (parseSpecYaml(CAUSES[name]) as any).successCriteria[i].target;
    // -.5 and +.5 are numbers, wherever an anchor is.
    expect(spec('signed-fraction.yaml').valid).toBe(true);
    expect([target('signed-fraction.yaml', 0), target('signed-fraction.yaml', 1)]).toEqual([-0.5, 0.5]);
    // Beyond double range is infinity, which a spec refuses.
    for (const name of ['beyond-double-exponent.yaml', 'beyond-double-digits.yaml']) {
      expect(spec(name).errors).toEqual([
        expect.objectContaining({
          path: 'successCriteria[0].target',
          message: 'must be a finite number or text, not infinity',
        }),
      ]);
    }
    // Keys are text as written: `null:` is the field "null", `1.e400:` is "1.e400".
    const nulls = spec('null-keys.yaml');
    expect(nulls.valid && Object.keys(nulls.spec.dataContracts![0].fields)).toEqual(['null', 'Null', 'NULL']);
    expect(spec('key-beyond-double.yaml').errors[0].path).toBe('dataContracts[0].fields.1.e400');
    // 10_000 is not a YAML 1.2 number.
    expect(spec('underscore-number.yaml').errors).toEqual([
      expect.objectContaining({ message: 'must be a number, not text' }),
    ]);
    // Not YAML 1.2: refused, with the line.
    for (const name of [
      'explicit-flow-key.yaml',
      'long-implicit-key.yaml',
      'quoted-continued-at-column-0.yaml',
      'quoted-continued-tab-line.yaml',
      'flow-list-closed-at-column-0.yaml',
      'comment-without-space.yaml',
      'cr-only-breaks.yaml',
      'escape-beyond-unicode.yaml',
      'tab-line-ends-literal.yaml',
      'content-on-document-start.yaml',
      'bom-before-sequence.yaml',
    ]) {
      const [first] = spec(name).errors;
      expect({ name, path: first.path, line: typeof first.line }).toEqual({
        name,
        path: '',
        line: 'number',
      });
    }
  });

  it('refuses nesting deeper than its limit with a plain reason, at any depth', () => {
    for (const text of [
      `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
      `${Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i)}- `).join('\n')}x\n`,
      `${'- '.repeat(5_000)}x\n`,
    ]) {
      expect(validateHandoffSpec(text).errors).toEqual([
        expect.objectContaining({
          path: '',
          message: `YAML nested deeper than ${MAX_YAML_DEPTH} levels`,
          line: expect.any(Number),
        }),
      ]);
    }
  });

  it('lets no warning reach the console or the process', () => {
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on('warning', onWarning);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const text of [
        'a: !foo x\n',
        '? [a]\n: 1\n',
        '{[a, b]: 1}\n',
        'a: !!binary x\n',
        '%FOO bar\n---\na: 1\n',
      ]) {
        expect(validateHandoffSpec(text).valid).toBe(false);
      }
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      process.off('warning', onWarning);
    }
    return new Promise<void>(resolve =>
      setTimeout(() => {
        expect(warnings).toEqual([]);
        resolve();
      }, 10),
    );
  });
});

describe('the JSON Schema and the validator', () => {
  it('agree on every example (one of them is invalid on purpose)', () => {
    const results = examples.map(text => verdicts(text));
    expect(results.map(v => v.ajv)).toEqual(results.map(v => v.zod));
    expect(results.filter(v => v.zod).length).toBe(examples.length - 1);
  });

  it('agree on the hand-written edge cases', () => {
    for (const text of SPECIAL) {
      const v = verdicts(text);
      expect({ text: text.slice(0, 80), zod: v.zod }).toEqual({
        text: text.slice(0, 80),
        zod: v.ajv,
      });
    }
  });

  it('agree on 2,000 seeded mutations, differing only where a refinement JSON Schema cannot express decides', () => {
    const next = random(20261126);
    const disagreements: Array<{ yaml: string; zod: string[]; ajv: unknown }> =
      [];
    let invalid = 0;
    for (let i = 0; i < 2000; i++) {
      const base = examples[i % examples.length];
      let text = mutate(base, next);
      if (next() < 0.3) text = mutate(text, next);
      let v;
      try {
        v = verdicts(text);
      } catch {
        // Not YAML (a duplicate key): both refuse it before any schema.
        continue;
      }
      if (!v.zod) invalid += 1;
      if (v.zod !== v.ajv && !(v.ajv && v.onlyRefinements)) {
        disagreements.push({ yaml: text, zod: v.issues, ajv: v.ajvErrors });
      }
    }
    if (process.env.SHOW_DISAGREEMENTS) {
      const kinds = new Map<string, number>();
      for (const d of disagreements) {
        const a = (d.ajv as any)?.[0];
        const key = `zod=${JSON.stringify(d.zod.slice(0, 1))} ajv=${
          a
            ? `${a.instancePath.replace(/\d+/g, 'N')} ${a.keyword} ${a.message}`
            : 'valid'
        }`;
        kinds.set(key, (kinds.get(key) ?? 0) + 1);
      }
      // eslint-disable-next-line no-console
      console.log([...kinds].map(([k, n]) => `${n} ${k}`).join('\n'));
    }
    // The corpus exercises both verdicts.
    expect(invalid).toBeGreaterThan(500);
    expect(invalid).toBeLessThan(1900);
    expect(disagreements.slice(0, 3)).toEqual([]);
  });
});
