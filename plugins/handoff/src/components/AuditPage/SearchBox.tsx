import TextField from '@material-ui/core/TextField';
import { useEffect, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';

/** How long typing must pause before the view narrows. */
export const SEARCH_DEBOUNCE_MS = 300;

/**
 * The audit's text search: the view narrows as you type (after a short
 * pause), and follows the URL when the filters change elsewhere.
 */
export function SearchBox(props: {
  value?: string;
  onChange: (q: string | undefined) => void;
}) {
  const { value, onChange } = props;
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  useDebounce(
    () => {
      const q = text.trim() || undefined;
      if (q !== value) onChange(q);
    },
    SEARCH_DEBOUNCE_MS,
    [text],
  );
  return (
    <TextField
      id="handoff-audit-search"
      fullWidth
      size="small"
      variant="outlined"
      type="search"
      label="Search name or title"
      helperText="Narrows the view as you type"
      value={text}
      onChange={e => setText(e.target.value)}
    />
  );
}
