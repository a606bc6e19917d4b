import { mockServices } from '@backstage/backend-test-utils';
import { ScmIntegrations } from '@backstage/integration';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { SpecParser } from '@handoff/backstage-plugin-handoff-node';
import { HandoffSpecProcessor } from './HandoffSpecProcessor';

describe('HandoffSpecProcessor', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-processor-'));
  const parser = new SpecParser();
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await parser.close();
  });
  const processor = new HandoffSpecProcessor(
    mockServices.urlReader.mock(),
    ScmIntegrations.fromConfig(mockServices.rootConfig()),
    parser,
  );
  const location = {
    type: 'file',
    target: path.join(dir, 'catalog-info.yaml'),
  };
  const entity = (spec?: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'x',
      annotations: {
        'backstage.io/managed-by-location': `file:${location.target}`,
        ...(spec && { 'handoff.dev/spec': spec }),
      },
    },
  });

  it('emits a processing error naming each invalid field', async () => {
    fs.writeFileSync(
      path.join(dir, 'bad.yaml'),
      'apiVersion: handoff.dev/v1alpha1\nkind: HandoffSpec\nintent: { problem: p }\n',
    );
    const emit = jest.fn();
    await processor.postProcessEntity(entity('./bad.yaml'), location, emit);
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit.mock.calls[0][0]).toMatchObject({
      type: 'error',
      location,
      error: {
        message:
          'Handoff spec ./bad.yaml is invalid: risk: is required (line 1, column 1)',
      },
    });
  });

  it('names the first 20 errors of a spec with thousands, and counts the rest', async () => {
    let text =
      'apiVersion: handoff.dev/v1alpha1\nkind: HandoffSpec\nintent: { problem: p }\nrisk: { data: low, customerImpact: low, compliance: low, operationalDependency: low }\nfeatures:\n';
    for (let i = 0; i < 3000; i++) text += `  - { name: f${i}, metric: 7 }\n`;
    fs.writeFileSync(path.join(dir, 'many.yaml'), text);
    const emit = jest.fn();
    await processor.postProcessEntity(entity('./many.yaml'), location, emit);
    const message: string = emit.mock.calls[0][0].error.message;
    expect(message.split('; ')).toHaveLength(21);
    expect(message).toMatch(/; and \d+ more \(the Handoff tab lists them\)$/);
  });

  it('emits an error for a missing file and nothing for a valid spec or no annotation', async () => {
    const emit = jest.fn();
    await processor.postProcessEntity(entity('./missing.yaml'), location, emit);
    expect(emit.mock.calls[0][0].error.message).toBe(
      "Handoff spec: No spec file ./missing.yaml in the entity's folder (a link out of the folder counts as none)",
    );

    const quiet = jest.fn();
    const examples = path.resolve(
      __dirname,
      '../../../examples/capabilities/churn-model',
    );
    await processor.postProcessEntity(
      {
        ...entity('./handoff.yaml'),
        metadata: {
          name: 'churn',
          annotations: {
            'backstage.io/managed-by-location': `file:${examples}/catalog-info.yaml`,
            'handoff.dev/spec': './handoff.yaml',
          },
        },
      },
      location,
      quiet,
    );
    await processor.postProcessEntity(entity(), location, quiet);
    expect(quiet).not.toHaveBeenCalled();
  });
});
