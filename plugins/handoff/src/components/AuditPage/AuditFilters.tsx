import {
  AUDITED_KINDS,
  PORTFOLIO_GAPS,
  PORTFOLIO_GAP_TITLES,
  PortfolioFacets,
  PortfolioFilter,
  SPEC_STATES,
  STAGES,
  STAGE_TITLES,
} from '@handoff/backstage-plugin-handoff-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import { SearchBox } from './SearchBox';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useEffect, useState } from 'react';
import { useCatalogOwners } from '../../hooks/useCatalogOwners';

const SPEC_TITLES = { valid: 'Valid', invalid: 'Invalid', missing: 'No spec' };
const RISK_TITLES = { low: 'Low', medium: 'Medium', high: 'High' };
const KIND_TITLES = {
  component: 'Component',
  system: 'System',
  resource: 'Resource',
  api: 'API',
  domain: 'Domain',
};

/** The filters that take several values. */
type ListFilter = 'kind' | 'stage' | 'risk' | 'spec' | 'gap';
type ValueOf<K extends ListFilter> = NonNullable<PortfolioFilter[K]>[number];

/** One filter: several values, each with how many entities it would show. */
function MultiSelect<K extends ListFilter>(props: {
  name: K;
  label: string;
  values: readonly ValueOf<K>[];
  titles: Record<ValueOf<K>, string>;
  filter: PortfolioFilter;
  facets?: PortfolioFacets;
  onChange: (change: Partial<PortfolioFilter>) => void;
}) {
  type T = ValueOf<K>;
  const counts = props.facets?.[props.name] as
    | Partial<Record<T, number>>
    | undefined;
  const selected = (props.filter[props.name] ?? []) as T[];
  const labelId = `handoff-audit-${props.name}-label`;
  return (
    <FormControl fullWidth variant="outlined" size="small">
      <InputLabel id={labelId}>{props.label}</InputLabel>
      <Select
        labelId={labelId}
        label={props.label}
        multiple
        value={selected}
        onChange={e => {
          const next = e.target.value as T[];
          props.onChange({ [props.name]: next.length ? next : undefined });
        }}
        renderValue={value =>
          (value as T[]).map(v => props.titles[v]).join(', ')
        }
        SelectDisplayProps={{ 'aria-label': props.label } as object}
      >
        {props.values.map(value => (
          <MenuItem key={value} value={value}>
            <Checkbox checked={selected.includes(value)} size="small" />
            <ListItemText
              primary={`${props.titles[value]} (${counts?.[value] ?? 0})`}
            />
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** The owner filter: any group from the catalog (its child groups are included). */
function OwnerFilter(props: {
  value?: string;
  onChange: (owner: string | undefined) => void;
}) {
  const { value: groups = [] } = useCatalogOwners(['group']);
  const titles = new Map(groups.map(g => [g.ref, g.title]));
  const [text, setText] = useState(props.value ?? '');
  useEffect(() => setText(props.value ?? ''), [props.value]);
  return (
    <Autocomplete
      freeSolo
      size="small"
      options={groups.map(g => g.ref)}
      // Found by display name or ref; the ref is what the filter keeps.
      filterOptions={(options, state) => {
        const find = state.inputValue.toLocaleLowerCase();
        return options.filter(ref =>
          `${titles.get(ref) ?? ''} ${ref}`.toLocaleLowerCase().includes(find),
        );
      }}
      renderOption={ref => (
        <ListItemText
          primary={titles.get(ref) ?? ref}
          secondary={titles.get(ref) ? ref : undefined}
        />
      )}
      value={props.value ?? null}
      inputValue={text}
      onInputChange={(_e, v) => setText(v)}
      onChange={(_e, v) => props.onChange(v || undefined)}
      renderInput={params => (
        <TextField
          {...params}
          label="Owner group (with its child groups)"
          variant="outlined"
          onBlur={() => {
            if (text !== (props.value ?? '')) props.onChange(text || undefined);
          }}
        />
      )}
    />
  );
}

/** Every filter of the audit, with facet counts. */
export function AuditFilters(props: {
  filter: PortfolioFilter;
  facets?: PortfolioFacets;
  onChange: (change: Partial<PortfolioFilter>) => void;
  onClear: () => void;
}) {
  const { filter, onChange } = props;
  const lists = { filter, facets: props.facets, onChange };
  return (
    <Grid container spacing={2} alignItems="center">
      <Grid item xs={12} md={4}>
        <OwnerFilter
          value={filter.owner}
          onChange={owner => onChange({ owner })}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={4}>
        <MultiSelect
          name="gap"
          label="Gaps (any of)"
          values={PORTFOLIO_GAPS}
          titles={PORTFOLIO_GAP_TITLES}
          {...lists}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={4}>
        <SearchBox value={filter.q} onChange={q => onChange({ q })} />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <MultiSelect
          name="stage"
          label="Stage"
          values={STAGES}
          titles={STAGE_TITLES}
          {...lists}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <MultiSelect
          name="risk"
          label="Risk tier"
          values={['low', 'medium', 'high'] as const}
          titles={RISK_TITLES}
          {...lists}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={2}>
        <MultiSelect
          name="spec"
          label="Spec"
          values={SPEC_STATES}
          titles={SPEC_TITLES}
          {...lists}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={2}>
        <MultiSelect
          name="kind"
          label="Kind"
          values={AUDITED_KINDS}
          titles={KIND_TITLES}
          {...lists}
        />
      </Grid>
      <Grid item xs={12} md={2}>
        <Button onClick={props.onClear}>Clear filters</Button>
      </Grid>
    </Grid>
  );
}
