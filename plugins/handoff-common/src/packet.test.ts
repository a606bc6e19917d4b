import fs from 'fs';
import path from 'path';
import { handoffPacketMarkdown } from './packet';
import {
  SPEC_ARTIFACTS,
  SPEC_ARTIFACT_TITLES,
  validateHandoffSpec,
} from './spec';

const text = fs.readFileSync(
  path.resolve(
    __dirname,
    '../../../examples/capabilities/churn-model/handoff.yaml',
  ),
  'utf8',
);

describe('handoffPacketMarkdown', () => {
  it('renders every artifact the spec carries, with the same titles and order as the Handoff tab', () => {
    const validation = validateHandoffSpec(text);
    const markdown = handoffPacketMarkdown({
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
    });
    const present = SPEC_ARTIFACTS.filter(
      a => validation.document?.[a] !== undefined,
    );
    const headings = [...markdown.matchAll(/^### (.+)$/gm)].map(m => m[1]);
    expect(headings).toEqual(present.map(a => SPEC_ARTIFACT_TITLES[a]));
    expect(markdown).toContain('# Handoff packet: Churn model');
    expect(markdown).toMatch(/\| Metric \| Target \| Measured by \|/);
  });
});
