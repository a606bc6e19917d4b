import fs from 'fs';
import path from 'path';
import { HandoffPacket, handoffPacketMarkdown } from './packet';
import {
  SPEC_ARTIFACTS,
  SPEC_ARTIFACT_TITLES,
  validateHandoffSpec,
  validateHandoffSpecObject,
} from './spec';

const text = fs.readFileSync(
  path.resolve(
    __dirname,
    '../../../examples/capabilities/churn-model/handoff.yaml',
  ),
  'utf8',
);

const validation = validateHandoffSpec(text);
const packet = (extra: Partial<HandoffPacket> = {}): HandoffPacket => ({
  generatedAt: '2026-11-26T00:00:00.000Z',
  readiness: {
    entityRef: 'component:default/churn-model',
    title: 'Churn model',
    stage: 'pilot',
  },
  spec: {
    entityRef: 'component:default/churn-model',
    version: 1,
    contentHash: 'h',
    valid: validation.valid,
    errorCount: 0,
    sourceLocation: 'file:/x/handoff.yaml',
    firstSeenAt: '2026-11-01T00:00:00.000Z',
    lastSeenAt: '2026-11-01T00:00:00.000Z',
    content: text,
    document: validation.document,
    errors: validation.errors,
    entityState: {},
  },
  decisions: [],
  checks: [],
  cycles: [],
  ...extra,
});

describe('handoffPacketMarkdown', () => {
  it('renders every artifact the spec carries, with the same titles and order as the Handoff tab', () => {
    const markdown = handoffPacketMarkdown(packet());
    const present = SPEC_ARTIFACTS.filter(
      a => validation.document?.[a] !== undefined,
    );
    const specPart = markdown.slice(markdown.indexOf('## Handoff spec'));
    const headings = [...specPart.matchAll(/^### (.+)$/gm)].map(m => m[1]);
    expect(headings).toEqual(present.map(a => SPEC_ARTIFACT_TITLES[a]));
    expect(markdown).toContain('# Handoff packet: Churn model');
    expect(markdown).toMatch(/\| Metric \| Target \| Measured by \|/);
  });

  it('carries the operating playbook: use, review, change, support, escalation, risks and every cycle', () => {
    const markdown = handoffPacketMarkdown(
      packet({
        readiness: {
          entityRef: 'component:default/churn-model',
          title: 'Churn model',
          stage: 'operating',
          riskTier: 'high',
          nextReviewAt: '2027-01-01T00:00:00.000Z',
          lastReview: {
            sequence: 7,
            at: '2026-12-01T00:00:00.000Z',
            by: 'user:default/ada',
          },
          failingChecks: ['drift-nightly'],
        },
        cycles: [
          {
            sequence: 7,
            reviewedAt: '2026-12-01T00:00:00.000Z',
            reviewedBy: 'user:default/ada',
            rationale: 'monthly review',
            readout: {
              usage: { value: 1200, unit: 'scores', period: 'per week' },
              friction: 'retention team wants reasons per score',
              incidents: 'none',
              ownerConfirmed: true,
              nextChange: 'add reason codes',
            },
            nextReviewAt: '2027-01-01T00:00:00.000Z',
            specVersion: 3,
            sinceSpecVersion: 2,
            changes: [{ artifact: 'features', change: 'changed' }],
          },
        ],
      }),
    );
    const playbook = markdown.slice(
      markdown.indexOf('## Operating playbook'),
      markdown.indexOf('## Gates'),
    );
    for (const heading of [
      'How it is used',
      'How it is reviewed',
      'How it is changed',
      'Support and escalation',
      'Known risks',
      'Review cycles',
    ]) {
      expect(playbook).toContain(`### ${heading}`);
    }
    expect(playbook).toContain(
      'Usage at the last review: 1200 scores per week',
    );
    expect(playbook).toContain('Reviewed at least every 30 days (high risk)');
    expect(playbook).toContain('Last review: 2026-12-01 by user:default/ada');
    expect(playbook).toContain('Next change planned: add reason codes');
    expect(playbook).toContain('Failing check: drift-nightly');
    expect(playbook).toMatch(/Support path: group:/);
    expect(playbook).toMatch(
      /\| 7 \| 2026-12-01 \| user:default\/ada \| 1200 scores per week \| retention team wants reasons per score \| none \| add reason codes \| Features changed \| 2027-01-01 \|/,
    );
  });
});

describe('handoffPacketMarkdown of what someone wrote', () => {
  const withDocument = (yaml: string): HandoffPacket => {
    const read = validateHandoffSpec(yaml);
    const base = packet();
    return {
      ...base,
      spec: {
        ...base.spec!,
        valid: read.valid,
        document: read.document,
        errors: read.errors,
        errorCount: read.errors.length,
      },
    };
  };

  it('renders the valid sections of an invalid spec with wrong types, names the others and lists the errors', () => {
    const document = JSON.parse(JSON.stringify(validation.document));
    document.regulatoryConstraints = { a: 1 };
    document.observability = { ...document.observability, dashboards: 'x' };
    const read = validateHandoffSpecObject(document);
    const base = packet();
    const markdown = handoffPacketMarkdown({
      ...base,
      spec: {
        ...base.spec!,
        valid: false,
        document,
        errors: read.errors,
        errorCount: read.errors.length,
      },
    });
    expect(read.valid).toBe(false);
    expect(markdown).toMatch(
      /### Observability\n\nNot shown: this section is not valid/,
    );
    expect(markdown).toContain('The spec is invalid');
    expect(markdown).toMatch(
      /### Regulatory constraints\n\nNot shown: this section is not valid/,
    );
    expect(markdown).toMatch(/### Intent\n\n\S/);
    expect(markdown).toMatch(/\| Metric \| Target \| Measured by \|/);
  });

  it('lets no HTML, script link or image through from the spec or a rationale', () => {
    const hostile = text.replace(
      /problem: .*/,
      'problem: "<script>alert(1)</script> [click](javascript:alert(1)) ![x](data:image/png;base64,AAAA)"',
    );
    const markdown = handoffPacketMarkdown({
      ...withDocument(hostile),
      decisions: [
        {
          sequence: 1,
          createdAt: '2026-11-26T00:00:00.000Z',
          actor: 'user:default/ada',
          decision: 'stop',
          rationale: '<img src=x onerror=alert(1)> [a](javascript:alert(2))',
        } as any,
      ],
    });
    expect(markdown).not.toMatch(
      /(^|[^\\])<(script|img)|\]\(javascript:|\]\(data:/,
    );
    expect(markdown).toContain('\\<script\\>alert\\(1\\)');
  });
});
