/** Whether a value counts as there: not absent, empty, or false. */
function present(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

type Segment = { keys: string[]; each: boolean };

function segments(path: string): Segment[] {
  return path.split('.').map(part => {
    const each = part.endsWith('[*]');
    const name = each ? part.slice(0, -3) : part;
    return {
      keys: name.startsWith('(') ? name.slice(1, -1).split('|') : [name],
      each,
    };
  });
}

const join = (prefix: string, key: string) =>
  prefix ? `${prefix}.${key}` : key;

/**
 * Whether a value is a placeholder still to be written: text starting with
 * TODO, as the New capability template writes them.
 *
 * @public
 */
export function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && /^\s*TODO\b/.test(value);
}

/** Where, inside a value, placeholders are left. */
function placeholdersIn(value: unknown, at: string): string[] {
  if (isPlaceholder(value)) return [at];
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => placeholdersIn(item, `${at}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, item]) =>
      placeholdersIn(item, join(at, k)),
    );
  }
  return [];
}

type Found = { missing: string[]; toDo: string[] };
const none: Found = { missing: [], toDo: [] };
const merge = (all: Found[]): Found => ({
  missing: all.flatMap(f => f.missing),
  toDo: all.flatMap(f => f.toDo),
});

function walk(value: unknown, rest: Segment[], at: string): Found {
  if (rest.length === 0) {
    return present(value)
      ? { ...none, toDo: placeholdersIn(value, at) }
      : { ...none, missing: [at] };
  }
  const [segment, ...tail] = rest;
  const object =
    value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  // The first of the keys that is there; all named when none is.
  const key = segment.keys.find(k => present(object[k]));
  const named =
    segment.keys.length > 1 ? `(${segment.keys.join('|')})` : segment.keys[0];
  if (!key) return { ...none, missing: [join(at, named)] };
  const next = object[key];
  const here = join(at, key);
  if (!segment.each) return walk(next, tail, here);
  if (Array.isArray(next)) {
    return merge(next.map((item, i) => walk(item, tail, `${here}[${i}]`)));
  }
  if (next && typeof next === 'object') {
    return merge(
      Object.entries(next).map(([k, item]) => walk(item, tail, `${here}.${k}`)),
    );
  }
  return { ...none, missing: [here] };
}

/**
 * Where a spec lacks what a policy path asks for: an empty list when every
 * place the path names is there. `[*]` asks it of every item of a list (or
 * entry of a mapping), which must not be empty; `(a|b)` accepts either key.
 *
 * @public
 */
export function missingAt(document: unknown, path: string): string[] {
  return walk(document, segments(path), '').missing;
}

/**
 * What a policy path still lacks: where it is missing, and where what is
 * there is still a placeholder (text starting with TODO) — neither counts as
 * the artifact being there.
 *
 * @public
 */
export function unfinishedAt(
  document: unknown,
  path: string,
): { missing: string[]; toDo: string[] } {
  return walk(document, segments(path), '');
}
