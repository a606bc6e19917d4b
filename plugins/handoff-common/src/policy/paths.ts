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

function walk(value: unknown, rest: Segment[], at: string): string[] {
  if (rest.length === 0) return present(value) ? [] : [at];
  const [segment, ...tail] = rest;
  const object =
    value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  // The first of the keys that is there; all named when none is.
  const key = segment.keys.find(k => present(object[k]));
  const named =
    segment.keys.length > 1 ? `(${segment.keys.join('|')})` : segment.keys[0];
  if (!key) return [join(at, named)];
  const next = object[key];
  const here = join(at, key);
  if (!segment.each) return walk(next, tail, here);
  if (Array.isArray(next)) {
    return next.flatMap((item, i) => walk(item, tail, `${here}[${i}]`));
  }
  if (next && typeof next === 'object') {
    return Object.entries(next).flatMap(([k, item]) =>
      walk(item, tail, `${here}.${k}`),
    );
  }
  return [here];
}

/**
 * Where a spec lacks what a policy path asks for: an empty list when every
 * place the path names is there. `[*]` asks it of every item of a list (or
 * entry of a mapping), which must not be empty; `(a|b)` accepts either key.
 *
 * @public
 */
export function missingAt(document: unknown, path: string): string[] {
  return walk(document, segments(path), '');
}
