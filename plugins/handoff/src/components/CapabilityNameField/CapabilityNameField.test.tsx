import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { capabilityNameValidation } from './CapabilityNameField';

const apiHolder = {
  get: (ref: any) =>
    ref.id === catalogApiRef.id
      ? catalogApiMock({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'churn-model',
                title: 'Churn model',
                annotations: { 'handoff.dev/stage': 'pilot' },
              },
              spec: { owner: 'group:default/data-science' },
            },
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'petstore' },
              spec: { owner: 'group:default/team-a' },
            },
          ],
        })
      : undefined,
} as any;

async function errorsFor(name: string) {
  const errors: string[] = [];
  await capabilityNameValidation(
    name,
    { addError: (e: string) => errors.push(e) } as any,
    { apiHolder, formData: {}, schema: {} },
  );
  return errors;
}

describe('the capability name field', () => {
  it('says in plain words why a name cannot be used', async () => {
    expect(await errorsFor('Credit Limit')).toEqual([
      'The name cannot be used: use only lower-case letters, digits and dashes (no capitals or spaces).',
    ]);
    expect(await errorsFor('credit-limit-')).toEqual([
      'The name cannot be used: start and end with a letter or digit, and use at most 63 characters.',
    ]);
    expect(await errorsFor('a'.repeat(64))).toHaveLength(1);
  });

  it('refuses a name an entity already has, and accepts a free one', async () => {
    expect(await errorsFor('churn-model')).toEqual([
      'There is already a capability called “churn-model” in the catalog (Churn model); choose another name.',
    ]);
    // A plain component is called what it is.
    expect(await errorsFor('petstore')).toEqual([
      'There is already a component called “petstore” in the catalog (petstore); choose another name.',
    ]);
    expect(await errorsFor('credit-limit')).toEqual([]);
  });
});
