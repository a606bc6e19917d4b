import { isHandoffAvailable } from './isHandoffAvailable';

const entity = (annotations?: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations },
});

describe('isHandoffAvailable', () => {
  it('is true for an entity with a spec or a stage annotation', () => {
    expect(isHandoffAvailable(entity({ 'handoff.dev/spec': './h.yaml' }))).toBe(
      true,
    );
    expect(isHandoffAvailable(entity({ 'handoff.dev/stage': 'pilot' }))).toBe(
      true,
    );
  });

  it('is false for a website with no handoff annotation, or one that only looks alike', () => {
    expect(isHandoffAvailable(entity())).toBe(false);
    expect(
      isHandoffAvailable(entity({ 'backstage.io/techdocs-ref': 'dir:.' })),
    ).toBe(false);
    expect(
      isHandoffAvailable(entity({ 'handoff.dev/next-review': '2027-01-01' })),
    ).toBe(false);
    expect(isHandoffAvailable(entity({ 'x.handoff.dev/spec': 'a' }))).toBe(
      false,
    );
  });
});
