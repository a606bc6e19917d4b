import { whatEntityIs } from './capabilityName';

describe('whatEntityIs', () => {
  const entity = (kind: string, annotations?: Record<string, string>) => ({
    kind,
    metadata: { annotations },
  });
  it('names a capability, and any other entity by its kind', () => {
    expect(
      whatEntityIs(entity('Component', { 'handoff.dev/spec': 'h.yaml' })),
    ).toBe('a capability');
    expect(
      whatEntityIs(entity('Resource', { 'handoff.dev/stage': 'pilot' })),
    ).toBe('a capability');
    expect(whatEntityIs(entity('Component'))).toBe('a component');
    expect(whatEntityIs(entity('API'))).toBe('an API');
    expect(
      whatEntityIs(
        entity('Resource', { 'backstage.io/techdocs-ref': 'dir:.' }),
      ),
    ).toBe('a resource');
  });
});
