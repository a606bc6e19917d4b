/** Defensive readers for a spec document that may be invalid. */

export type Doc = Record<string, unknown>;

export const asArray = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : [];

export const asObject = (value: unknown): Doc =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Doc)
    : {};

export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A list as it is, a single value as a list of one, nothing as an empty list. */
export function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined ? [] : [value];
}
