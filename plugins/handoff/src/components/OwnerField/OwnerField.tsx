import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { CatalogOwner, useCatalogOwners } from '../../hooks/useCatalogOwners';

/**
 * What the owner field keeps: the owner's entity ref, which the template
 * uses, and its display name, which the review page shows.
 *
 * @public
 */
export type OwnerFieldValue = { ref: string; title?: string };

/**
 * A group or user of the catalog, picked and shown by display name, the ref
 * under it and on hover (`ui:field: HandoffOwner`; `ui:options.kinds`, by
 * default `[Group]`). Its value is `{ ref, title }`: a template reads
 * `parameters.owner.ref`, and the review page shows the name.
 *
 * @public
 */
export function OwnerField(
  props: FieldExtensionComponentProps<OwnerFieldValue, { kinds?: string[] }>,
) {
  const { formData, onChange, rawErrors, required, schema, uiSchema } = props;
  const kinds = uiSchema?.['ui:options']?.kinds ?? ['Group'];
  const { value: owners = [], loading } = useCatalogOwners(kinds);
  const picked: CatalogOwner | null = formData?.ref
    ? owners.find(o => o.ref === formData.ref) ?? formData
    : null;
  return (
    <Autocomplete<CatalogOwner>
      options={owners}
      loading={loading}
      value={picked}
      getOptionLabel={owner => owner.title ?? owner.ref}
      getOptionSelected={(option, value) => option.ref === value.ref}
      // Found by display name or ref.
      filterOptions={(options, state) => {
        const find = state.inputValue.toLocaleLowerCase('en-US');
        return options.filter(o =>
          `${o.title ?? ''} ${o.ref}`.toLocaleLowerCase('en-US').includes(find),
        );
      }}
      renderOption={owner => (
        <ListItemText
          primary={owner.title ?? owner.ref}
          secondary={owner.title ? owner.ref : undefined}
        />
      )}
      onChange={(_event, owner) =>
        onChange(
          owner
            ? { ref: owner.ref, title: owner.title ?? owner.ref }
            : (undefined as unknown as OwnerFieldValue),
        )
      }
      renderInput={params => (
        <TextField
          {...params}
          label={schema.title}
          required={required}
          helperText={schema.description}
          error={(rawErrors?.length ?? 0) > 0}
          margin="normal"
          inputProps={{ ...params.inputProps, title: picked?.ref }}
        />
      )}
    />
  );
}
