import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import {
  capabilityNameProblem,
  whatEntityIs,
} from '@handoff/backstage-plugin-handoff-common';
import TextField from '@material-ui/core/TextField';

/**
 * The new capability's catalog name (`ui:field: CapabilityName`): a text
 * box whose errors are plain words, from the same rule the template's first
 * step applies.
 *
 * @public
 */
export function CapabilityNameField(
  props: FieldExtensionComponentProps<string>,
) {
  const { formData, onChange, rawErrors, required, schema, idSchema } = props;
  const errors = rawErrors ?? [];
  return (
    <TextField
      id={idSchema?.$id}
      label={schema.title ?? 'Name'}
      required={required}
      value={formData ?? ''}
      onChange={e => onChange(e.target.value)}
      error={errors.length > 0}
      helperText={schema.description}
      margin="normal"
      inputProps={{ autoComplete: 'off', spellCheck: false }}
    />
  );
}

/**
 * Checks the name as the catalog would, and that no entity has it yet, so a
 * PM learns it on the form, before anything runs.
 *
 * @public
 */
export const capabilityNameValidation: CustomFieldValidator<string> = async (
  value,
  validation,
  context,
) => {
  if (!value) return;
  const problem = capabilityNameProblem(value);
  if (problem) {
    validation.addError(`The name cannot be used: ${problem}.`);
    return;
  }
  const catalogApi = context.apiHolder.get(catalogApiRef);
  const existing = await catalogApi
    ?.getEntityByRef({ kind: 'component', namespace: 'default', name: value })
    .catch(() => undefined);
  if (existing) {
    validation.addError(
      `There is already ${whatEntityIs(
        existing,
      )} called “${value}” in the catalog (${
        existing.metadata.title ?? existing.metadata.name
      }); choose another name.`,
    );
  }
};
