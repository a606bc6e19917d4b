import fs from 'fs';
import path from 'path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import {
  validateHandoffSpec,
  validateHandoffSpecObject,
  formatSpecError,
} from './validate';

const examples = path.resolve(__dirname, '../../../../examples/capabilities');
const readExample = (name: string) =>
  fs.readFileSync(path.join(examples, name, 'handoff.yaml'), 'utf8');

const minimal = {
  apiVersion: 'handoff.dev/v1alpha1',
  kind: 'HandoffSpec',
  intent: { problem: 'Something hurts' },
  risk: {
    data: 'low',
    customerImpact: 'low',
    compliance: 'low',
    operationalDependency: 'low',
  },
};

/** A copy of the minimal spec with `patch` merged in at the top level. */
const withPatch = (patch: Record<string, unknown>) => ({
  ...minimal,
  ...patch,
});

describe('validateHandoffSpec', () => {
  it.each([
    'churn-model',
    'fraud-scoring',
    'support-assistant',
    'invoice-export',
    'demand-forecast',
    'recommendation-api',
    'legacy-reporting',
  ])('accepts the %s example', name => {
    const result = validateHandoffSpec(readExample(name));
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('reports every error of the deliberately invalid customer-360 example with path, message and position', () => {
    const result = validateHandoffSpec(readExample('customer-360'));
    expect(result.valid).toBe(false);
    expect(result.errors.map(formatSpecError)).toEqual([
      'risk.compliance: must be one of low, medium, high (line 10, column 15)',
      'dataContracts[0].fields.age.range.max: min must not be greater than max (line 19, column 33)',
      'dataContracts[0].fields.segment.values: an enum field must list its allowed values (line 21, column 9)',
      'dataContracts[0].quality.completness: is not a known field (check the spelling) (line 23, column 20)',
      'owners.operatingOwner: must be a group or user entity ref, like group:default/sre or user:ada (line 25, column 19)',
    ]);
  });

  it('gives line and column for a YAML syntax error', () => {
    const result = validateHandoffSpec(
      'apiVersion: handoff.dev/v1alpha1\nintent:\n  problem: [unclosed\n',
    );
    expect(result.valid).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      path: '',
      line: expect.any(Number),
      column: expect.any(Number),
    });
    expect(result.errors[0].message).toMatch(/^YAML syntax error: /);
  });

  it('reports a duplicated key as a syntax error at its line', () => {
    const text = `${stringify(minimal)}kind: Other\n`;
    const result = validateHandoffSpec(text);
    expect(result.errors).toEqual([
      expect.objectContaining({
        message:
          'YAML syntax error: the key "kind" appears twice in one mapping',
        line: 10,
        column: 1,
      }),
    ]);
  });

  it('finds a duplicated key among 30,000 and reads a map that size (the check is linear)', () => {
    const fields = Array.from(
      { length: 30_000 },
      (_, i) => `      f${i}: { type: string, driftExempt: an id }`,
    );
    fields.splice(20_000, 0, '      f7: { type: string, driftExempt: again }');
    const text = `${stringify(
      minimal,
    )}dataContracts:\n  - name: big\n    provenance: { sourceSystem: s }\n    fields:\n${fields.join(
      '\n',
    )}\n`;
    const result = validateHandoffSpec(text);
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: 'YAML syntax error: the key "f7" appears twice in one mapping',
        line: expect.any(Number),
      }),
    ]);
    const unique = validateHandoffSpec(
      text.replace(
        'f7: { type: string, driftExempt: again }',
        'g7: { type: string, driftExempt: again }',
      ),
    );
    expect(unique.valid).toBe(true);
  });

  it.each([
    ['', 'spec: The file is empty'],
    [
      '- a\n- b\n',
      'spec: must be a mapping of sections, not a list (line 1, column 1)',
    ],
    [
      '42',
      'spec: must be a mapping of sections, not a number (line 1, column 1)',
    ],
  ])('explains a document that is not a spec: %j', (text, message) => {
    const result = validateHandoffSpec(text);
    expect(result.errors.map(formatSpecError)).toEqual([message]);
  });
});

describe('validateHandoffSpecObject', () => {
  it('accepts the minimal spec', () => {
    expect(validateHandoffSpecObject(minimal)).toMatchObject({
      valid: true,
      errors: [],
    });
  });

  it.each<[string, unknown, string[]]>([
    [
      'a wrong apiVersion',
      withPatch({ apiVersion: 'v2' }),
      ['apiVersion: must be handoff.dev/v1alpha1'],
    ],
    [
      'a missing section',
      { ...minimal, risk: undefined },
      ['risk: is required'],
    ],
    [
      'a missing risk dimension',
      withPatch({
        risk: { data: 'low', customerImpact: 'low', compliance: 'low' },
      }),
      ['risk.operationalDependency: is required'],
    ],
    [
      'an unknown top-level key',
      withPatch({ extra: 1 }),
      ['extra: is not a known field (check the spelling)'],
    ],
    [
      'a wrong type',
      withPatch({ acceptanceCriteria: 'all of it' }),
      ['acceptanceCriteria: must be a list, not text'],
    ],
    [
      'an empty text',
      withPatch({ intent: { problem: '  ' } }),
      ['intent.problem: must not be empty'],
    ],
    [
      'a range inverted deep in a contract',
      withPatch({
        dataContracts: [
          {
            name: 'a',
            provenance: { sourceSystem: 's' },
            fields: { x: { type: 'string' } },
          },
          {
            name: 'b',
            provenance: { sourceSystem: 's' },
            fields: { age: { type: 'integer', range: { min: 5, max: 1 } } },
          },
        ],
      }),
      [
        'dataContracts[1].fields.age.range.max: min must not be greater than max',
      ],
    ],
    [
      'a range bound of the wrong type',
      withPatch({
        dataContracts: [
          {
            name: 'b',
            provenance: { sourceSystem: 's' },
            fields: { age: { type: 'integer', range: { max: 'old' } } },
          },
        ],
      }),
      ['dataContracts[0].fields.age.range.max: must be a number, not text'],
    ],
    [
      'a contract without fields',
      withPatch({
        dataContracts: [
          { name: 'b', provenance: { sourceSystem: 's' }, fields: {} },
        ],
      }),
      ['dataContracts[0].fields: must describe at least one field'],
    ],
    [
      'a completeness above 1',
      withPatch({
        dataContracts: [
          {
            name: 'b',
            provenance: { sourceSystem: 's' },
            fields: { a: { type: 'string' } },
            quality: { completeness: 98 },
          },
        ],
      }),
      ['dataContracts[0].quality.completeness: must be between 0 and 1'],
    ],
    [
      'a freshness that is not a duration',
      withPatch({
        dataContracts: [
          {
            name: 'b',
            provenance: { sourceSystem: 's' },
            fields: { a: { type: 'string' } },
            quality: { freshness: 'daily' },
          },
        ],
      }),
      [
        'dataContracts[0].quality.freshness: must be a duration like 30m, 24h or 7d',
      ],
    ],
    [
      'an unknown drift metric',
      withPatch({
        dataContracts: [
          {
            name: 'b',
            provenance: { sourceSystem: 's' },
            fields: {
              a: {
                type: 'number',
                driftTolerance: { metric: 'vibes', threshold: 1 },
              },
            },
          },
        ],
      }),
      [
        'dataContracts[0].fields.a.driftTolerance.metric: must be one of psi, ks, mean-shift, null-rate, category-share',
      ],
    ],
    [
      'a model without outputs or failure modes',
      withPatch({ model: { inputs: [{ name: 'x' }], outputs: [] } }),
      [
        'model.outputs: must list at least one output',
        'model.failureModes: is required',
      ],
    ],
    [
      'a deployment without checklist items',
      withPatch({
        deployment: { checklist: [], rollback: { procedure: 'revert' } },
      }),
      ['deployment.checklist: must list at least one item'],
    ],
    [
      'a dashboard link that is not a URL',
      withPatch({
        observability: { dashboards: [{ title: 'Main', url: 'grafana' }] },
      }),
      [
        'observability.dashboards[0].url: must be an http or https URL, like https://grafana.example.com/d/abc',
      ],
    ],
    [
      'an SLO above 100%',
      withPatch({ observability: { slos: [{ name: 'up', objective: 120 }] } }),
      ['observability.slos[0].objective: must be at most 100'],
    ],
    [
      'a RACI entry that is not an entity ref',
      withPatch({
        owners: { raci: { responsible: ['group:default/sre', 'Bob'] } },
      }),
      [
        'owners.raci.responsible[1]: must be a group or user entity ref, like group:default/sre or user:ada',
      ],
    ],
    [
      'a success criterion target that is neither number nor text',
      withPatch({
        successCriteria: [{ metric: 'm', target: true, measuredBy: 'x' }],
      }),
      ['successCriteria[0].target: must be a number or text'],
    ],
  ])('rejects %s with the exact path and message', (_name, value, expected) => {
    const result = validateHandoffSpecObject(value);
    expect(result.valid).toBe(false);
    expect(result.errors.map(e => `${e.path}: ${e.message}`)).toEqual(expected);
  });
});

describe('validateHandoffSpec on junk', () => {
  it('never throws and always explains itself, whatever the input', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string(),
            fc.string({ unit: 'binary' }),
            fc.anything().map(v => {
              try {
                return stringify(v);
              } catch {
                return String(v);
              }
            }),
            fc.constantFrom(
              'a: &x [*x]',
              '&a [*a, *a]',
              ': : :',
              '{{{',
              '- - -\n  - ]',
              '\t\tkey: value',
            ),
          ),
          text => {
            const result = validateHandoffSpec(text);
            if (result.valid) return true;
            return (
              result.errors.length > 0 &&
              result.errors.every(
                e =>
                  typeof e.message === 'string' &&
                  e.message.length > 0 &&
                  !/\n\s+at /.test(e.message),
              )
            );
          },
        ),
        { numRuns: 500 },
      ),
    ).not.toThrow();
  });
});
