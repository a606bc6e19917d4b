import fs from 'fs';
import path from 'path';
import { handoffSpecJsonSchema } from './jsonSchema';

const file = path.resolve(__dirname, '../../handoff.schema.json');

describe('handoff.schema.json', () => {
  it('is up to date with the zod schema (UPDATE_SCHEMA=1 yarn test rewrites it)', () => {
    const generated = `${JSON.stringify(handoffSpecJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA) {
      fs.writeFileSync(file, generated);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(generated);
  });

  it('describes the header and the risk profile', () => {
    const schema = handoffSpecJsonSchema() as any;
    expect(schema.required).toEqual(['apiVersion', 'kind', 'intent', 'risk']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.risk.properties.data.enum).toEqual([
      'low',
      'medium',
      'high',
    ]);
  });
});
