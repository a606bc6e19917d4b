import fs from 'fs';
import path from 'path';
import { parse, stringify } from 'yaml';
import { DEFAULT_GATE_POLICY } from './defaultPolicy';
import { gatePolicyJsonSchema, validateGatePolicy } from './validate';

const root = path.resolve(__dirname, '../..');
const defaultFile = path.join(root, 'default-gate-policy.yaml');
const schemaFile = path.join(root, 'gate-policy.schema.json');

const header = `apiVersion: handoff.dev/v1alpha1
kind: GatePolicy
reviewCadenceDays: { low: 180, medium: 90, high: 30 }
`;

const errors = (text: string) => {
  const result = validateGatePolicy(text);
  return result.valid
    ? []
    : result.errors.map(e => `${e.path}: ${e.message} (line ${e.line})`);
};

describe('the gate policy file', () => {
  it('ships the default policy as YAML to copy, equal to the one in code (UPDATE_SCHEMA=1 rewrites it)', () => {
    const generated = `# The gate policy Handoff applies when handoff.policy is not set.\n# Copy it, change it, and point handoff.policy at your copy.\n${stringify(
      DEFAULT_GATE_POLICY,
      { aliasDuplicateObjects: false },
    )}`;
    if (process.env.UPDATE_SCHEMA) fs.writeFileSync(defaultFile, generated);
    const text = fs.readFileSync(defaultFile, 'utf8');
    expect(parse(text)).toEqual(DEFAULT_GATE_POLICY);
    const result = validateGatePolicy(text);
    expect(result.valid).toBe(true);
  });

  it('has a committed JSON Schema for editors (UPDATE_SCHEMA=1 rewrites it)', () => {
    const generated = `${JSON.stringify(gatePolicyJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA) fs.writeFileSync(schemaFile, generated);
    expect(fs.readFileSync(schemaFile, 'utf8')).toBe(generated);
  });

  it('names the path and line of each mistake', () => {
    expect(
      errors(`${header}rules:
  - id: Rollback
    description: ''
    decisions: [hand-off, stop]
    require: { artifact: 'deployment..rollback' }
  - id: two-things
    description: Two things at once
    decisions: [hand-off]
    when: { tier: severe, colour: blue }
    require: { owner: operatingOwner, transfer: accepted }
  - id: two-things
    description: Nothing
    decisions: []
    require: {}
  - id: approvers
    description: An approval by nobody in particular
    decisions: [hand-off]
    require: { approval: everyone }
`),
    ).toEqual([
      'rules[0].id: must be a lower-case id like rollback (line 5)',
      'rules[0].description: must not be empty (line 6)',
      'rules[0].decisions[1]: must be one of start-pilot, start-review, hand-off, operate-without-hand-off, operate-after-hand-off, review (line 7)',
      'rules[0].require.artifact: must be a path into the spec, like deployment.rollback.procedure or dataContracts[*].fields[*].driftTolerance (line 8)',
      'rules[1].when.tier: must be one of low, medium, high (line 12)',
      'rules[1].when.colour: is not a known field (check the spelling) (line 12)',
      'rules[1].require: must name exactly one of artifact, owner, approval, checks, transfer, work (line 13)',
      'rules[2].decisions: must name a decision (line 16)',
      'rules[2].require: must name exactly one of artifact, owner, approval, checks, transfer, work (line 17)',
      'rules[3].require.approval: must be a group or user entity ref, like group:default/sre or user:ada (line 21)',
    ]);
    expect(
      errors(`${header}rules:
  - { id: rollback, description: A, decisions: [hand-off], require: { artifact: deployment.rollback } }
  - { id: rollback, description: B, decisions: [review], require: { transfer: accepted } }
`),
    ).toEqual([
      'rules[1].id: is used by an earlier rule; rule ids must be unique (line 6)',
    ]);
  });

  it('refuses a file without its header or cadence, and YAML that is not a mapping', () => {
    expect(errors('rules: []\n')).toEqual([
      'apiVersion: is required (line 1)',
      'kind: is required (line 1)',
      'reviewCadenceDays: is required (line 1)',
    ]);
    expect(errors('- a\n- b\n')).toEqual([
      ': must be a mapping of policy sections, not a list (line 1)',
    ]);
  });
});
