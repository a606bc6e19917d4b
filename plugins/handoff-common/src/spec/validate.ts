import {
  CST,
  Composer,
  Document,
  LineCounter,
  Parser,
  YAMLError,
  isMap,
  isScalar,
  isSeq,
  visit,
} from 'yaml';
import type { z } from 'zod';
import { HandoffSpec, handoffSpecSchema } from './schema';

/**
 * One problem with a handoff spec: where it is (a path such as
 * `dataContracts[1].fields.age.range.max`, and the line and column in the
 * YAML when known) and what is wrong, in plain words.
 *
 * @public
 */
export type SpecError = {
  path: string;
  message: string;
  line?: number;
  column?: number;
};

/** @public */
export type SpecValidation =
  | {
      valid: true;
      spec: HandoffSpec;
      errors: [];
      /** The YAML as plain data. */
      document: Record<string, unknown>;
    }
  | {
      valid: false;
      errors: SpecError[];
      /** The YAML as plain data, when it is a mapping (even an invalid one). */
      document?: Record<string, unknown>;
    };

/**
 * YAML aliases may repeat a value, but a spec may not grow past this multiple
 * of its own text (plus a little) when they are expanded: alias bombs are refused.
 */
const MAX_EXPANSION = 4;
const EXPANSION_SLACK = 4096;

/**
 * How deep mappings and lists may nest. A spec's deepest section is a few
 * levels; past this the reader refuses the file (deeper nesting would
 * exhaust the stack of the recursive parts of any YAML reader).
 *
 * @public
 */
export const MAX_YAML_DEPTH = 64;

/**
 * How every spec and policy is read, by every tool: YAML 1.2's core schema
 * whatever the file declares, so a date stays text (as editors and the JSON
 * Schema see it) and `%YAML 1.1` cannot turn values into Dates; every key is
 * text as written (`null:` is the key "null", `1e400:` the key "1e400") and a
 * list or mapping as a key is refused; warnings (an unknown tag, say) are
 * refusals too, so nothing is read another way in silence.
 */
const YAML_OPTIONS = {
  version: '1.2',
  schema: 'core',
  stringKeys: true,
  // The parser's own check compares every pair of keys (minutes for a map
  // of 30,000); duplicateKeys below does the same with a set.
  uniqueKeys: false,
  prettyErrors: false,
  logLevel: 'silent',
} as const;

/**
 * Where the first value nested deeper than `limit` starts, if any: a walk
 * over the parser's syntax tree with a stack of its own, so any depth is safe.
 */
function tooDeepAt(tokens: CST.Token[], limit: number): number | undefined {
  const stack: Array<[CST.Token | null | undefined, number]> = tokens.map(
    token => [token, 0],
  );
  while (stack.length) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') {
      stack.push([token.value, depth]);
    } else if (
      token.type === 'block-map' ||
      token.type === 'block-seq' ||
      token.type === 'flow-collection'
    ) {
      if (depth >= limit) return token.offset;
      for (const item of token.items as CST.CollectionItem[]) {
        stack.push([item.key, depth + 1], [item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/** Each key that appears twice in a mapping, with where it appears again. */
function duplicateKeys(doc: Document) {
  const found: Array<{ key: string; offset?: number }> = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) found.push({ key, offset: pair.key.range?.[0] });
        seen.add(key);
      }
    },
  });
  return found;
}

/** A YAML document read: its data, or why it cannot be read, with the line. */
type Reading =
  | {
      ok: true;
      value: unknown;
      doc: Document;
      lineCounter: LineCounter;
    }
  | { ok: false; errors: SpecError[] };

function positioned(
  lineCounter: LineCounter,
  offset: number | undefined,
  message: string,
): SpecError {
  if (offset === undefined) return { path: '', message };
  const pos = lineCounter.linePos(offset);
  return { path: '', message, line: pos.line, column: pos.col };
}

/**
 * The one YAML reader of Handoff: the spec, the gate policy, the CLI, the
 * backend, the template's actions, the catalog module, the version diff and
 * the packet all read through it, so the data a tool gets is the data that
 * was validated. Never throws.
 */
function readYaml(yamlText: string): Reading {
  try {
    return compose(yamlText);
  } catch (error) {
    // Not text at all, or a reader's own failure: refused, never thrown.
    return {
      ok: false,
      errors: [{ path: '', message: `Cannot read the YAML: ${String(error)}` }],
    };
  }
}

function compose(yamlText: string): Reading {
  const lineCounter = new LineCounter();
  const tokens = Array.from(
    new Parser(lineCounter.addNewLine).parse(yamlText),
  );
  const deep = tooDeepAt(tokens, MAX_YAML_DEPTH);
  if (deep !== undefined) {
    return {
      ok: false,
      errors: [
        positioned(
          lineCounter,
          deep,
          `YAML nested deeper than ${MAX_YAML_DEPTH} levels`,
        ),
      ],
    };
  }
  const docs = Array.from(
    new Composer(YAML_OPTIONS).compose(tokens, true, yamlText.length),
  );
  const doc = docs[0];
  const problems: YAMLError[] = [...doc.errors, ...doc.warnings];
  if (docs.length > 1) {
    problems.push(
      Object.assign(new Error(), {
        pos: [docs[1].range[0], docs[1].range[1]],
        message: 'the file holds more than one YAML document',
      }) as unknown as YAMLError,
    );
  }
  if (problems.length > 0) {
    return {
      ok: false,
      errors: problems.map(e =>
        positioned(
          lineCounter,
          e.pos[0],
          `YAML syntax error: ${e.message.split('\n')[0]}`,
        ),
      ),
    };
  }
  const duplicates = duplicateKeys(doc);
  if (duplicates.length) {
    return {
      ok: false,
      errors: duplicates.map(d =>
        positioned(
          lineCounter,
          d.offset,
          `YAML syntax error: the key "${d.key.slice(
            0,
            100,
          )}" appears twice in one mapping`,
        ),
      ),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: `Cannot read the YAML: ${(error as Error).message}`,
        },
      ],
    };
  }
  let expanded: number;
  try {
    expanded = JSON.stringify(value ?? null).length;
  } catch {
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: 'A YAML alias refers to itself; write the values out',
        },
      ],
    };
  }
  if (expanded > MAX_EXPANSION * yamlText.length + EXPANSION_SLACK) {
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: `YAML aliases expand this ${Math.ceil(
            yamlText.length / 1024,
          )} KB file to ${Math.ceil(
            expanded / 1024,
          )} KB; write the values out instead of repeating aliases`,
        },
      ],
    };
  }
  return { ok: true, value, doc, lineCounter };
}

/**
 * The data of a YAML document exactly as the validator reads it (throws
 * with the first reason, line and column when it cannot be read). For tools
 * that check the same data with another validator.
 *
 * @public
 */
export function parseSpecYaml(yamlText: string): unknown {
  const reading = readYaml(yamlText);
  if (!reading.ok) {
    throw new Error(formatSpecError({ ...reading.errors[0], path: 'YAML' }));
  }
  return reading.value;
}

/**
 * Renders a zod path as `a.b[2].c`.
 *
 * @public
 */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    return out ? `${out}.${name}` : name;
  }, '');
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' && Number.isNaN(value)) return '.nan';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'infinity';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

const expectedNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

const isDefaultMessage = (message: string) =>
  /^(Too small|Too big|Invalid)/.test(message);

/**
 * A zod issue in plain words (`is required`, `must be at most 500`,
 * `is not a known field`), one per offending field.
 *
 * @public
 */
export function plainIssues(
  issue: z.core.$ZodIssue,
): Array<{ path: PropertyKey[]; message: string }> {
  const path = [...issue.path];
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) {
        return [{ path, message: 'is required' }];
      }
      const expected = expectedNames[issue.expected] ?? issue.expected;
      return [
        {
          path,
          message: `must be ${expected}, not ${describeValue(issue.input)}`,
        },
      ];
    }
    case 'unrecognized_keys':
      return issue.keys.map(key => ({
        path: [...path, key],
        message: 'is not a known field (check the spelling)',
      }));
    case 'invalid_value':
      if (issue.input === undefined) {
        return [{ path, message: 'is required' }];
      }
      if (issue.values.length > 1) {
        return [{ path, message: `must be one of ${issue.values.join(', ')}` }];
      }
      return [{ path, message: issue.message }];
    case 'invalid_union':
      if (typeof issue.input === 'number') {
        // .inf, .nan, or a number beyond double range such as 1e400.
        return [
          {
            path,
            message: `must be a finite number or text, not ${describeValue(
              issue.input,
            )}`,
          },
        ];
      }
      return [{ path, message: 'must be a number or text' }];
    case 'invalid_key':
      return [
        {
          path,
          message: issue.issues[0]?.message ?? 'is not allowed as a name',
        },
      ];
    case 'too_small':
      if (!isDefaultMessage(issue.message))
        return [{ path, message: issue.message }];
      return [
        {
          path,
          message:
            issue.origin === 'array'
              ? `must list at least ${issue.minimum} item(s)`
              : `must be at least ${issue.minimum}`,
        },
      ];
    case 'too_big':
      if (!isDefaultMessage(issue.message))
        return [{ path, message: issue.message }];
      return [{ path, message: `must be at most ${issue.maximum}` }];
    default:
      return [{ path, message: issue.message }];
  }
}

/**
 * Validates an already-parsed handoff spec (for example a JSON body).
 *
 * @public
 */
export function validateHandoffSpecObject(value: unknown): SpecValidation {
  const result = handoffSpecSchema.safeParse(value, { reportInput: true });
  if (result.success) {
    return {
      valid: true,
      spec: result.data,
      errors: [],
      document: value as Record<string, unknown>,
    };
  }
  const errors = result.error.issues.flatMap(plainIssues).map(i => ({
    path: formatPath(i.path),
    message: i.message,
  }));
  return {
    valid: false,
    errors,
    ...(value && typeof value === 'object' && !Array.isArray(value)
      ? { document: value as Record<string, unknown> }
      : {}),
  };
}

/** @public */
export type YamlValidation<T> =
  | { valid: true; value: T; errors: []; document: Record<string, unknown> }
  | { valid: false; errors: SpecError[]; document?: Record<string, unknown> };

/**
 * Parses a YAML document and validates its mapping with a zod schema. Never
 * throws: syntax errors come back with their line and column, schema errors
 * with their path (and line and column where the YAML has the value). Alias
 * bombs are refused. Shared by the handoff spec and the gate policy.
 *
 * @public
 */
export function validateYaml<T>(
  yamlText: string,
  schema: z.ZodType<T>,
  what = 'sections',
): YamlValidation<T> {
  const reading = readYaml(yamlText);
  if (!reading.ok) return { valid: false, errors: reading.errors };
  const { value, doc, lineCounter } = reading;
  if (value === null || value === undefined) {
    return {
      valid: false,
      errors: [{ path: '', message: 'The file is empty' }],
    };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return {
      valid: false,
      errors: [
        {
          path: '',
          message: `must be a mapping of ${what}, not ${describeValue(value)}`,
          line: 1,
          column: 1,
        },
      ],
    };
  }
  const document = value as Record<string, unknown>;
  const place = placer(doc, lineCounter);
  // A key named __proto__ never reaches a schema (a zod record skips it, so
  // it would vanish unchecked): it is refused here, wherever it is.
  const protoKeys = keysNamedProto(value);
  if (protoKeys.length) {
    return {
      valid: false,
      document,
      errors: protoKeys.map(at =>
        place({ path: at, message: 'is not allowed as a name' }),
      ),
    };
  }
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) {
    return { valid: true, value: result.data, errors: [], document };
  }
  return {
    valid: false,
    document,
    errors: result.error.issues.flatMap(plainIssues).map(place),
  };
}

/**
 * Parses and validates the text of a `handoff.yaml`. Never throws: YAML
 * syntax errors come back with their line and column, schema errors with
 * their path (and line and column where the YAML has the value).
 *
 * @public
 */
export function validateHandoffSpec(yamlText: string): SpecValidation {
  const result = validateYaml(yamlText, handoffSpecSchema);
  return result.valid
    ? {
        valid: true,
        spec: result.value,
        errors: [],
        document: result.document,
      }
    : result;
}

/** Paths of every own key named `__proto__` in parsed YAML. */
function keysNamedProto(
  value: unknown,
  at: PropertyKey[] = [],
): PropertyKey[][] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => keysNamedProto(v, [...at, i]));
  }
  if (!value || typeof value !== 'object') return [];
  return Object.keys(value).flatMap(key =>
    key === '__proto__'
      ? [[...at, key]]
      : keysNamedProto((value as Record<string, unknown>)[key], [...at, key]),
  );
}

/**
 * Where each value of a YAML document starts, by its formatted path: built
 * once, in one walk, so placing 20,000 errors costs 20,000 lookups.
 */
function valueOffsets(doc: Document) {
  const offsets = new Map<string, number>();
  const walk = (node: unknown, at: PropertyKey[]) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) offsets.set(formatPath(at), range[0]);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          walk(pair.value, [...at, String(pair.key.value)]);
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...at, i]));
    }
  };
  walk(doc.contents, []);
  return offsets;
}

/** Adds the line and column of the value at `path`, or of its nearest parent. */
function placer(doc: Document, lineCounter: LineCounter) {
  let offsets: Map<string, number> | undefined;
  return (error: { path: PropertyKey[]; message: string }): SpecError => {
    offsets ??= valueOffsets(doc);
    const formatted = { path: formatPath(error.path), message: error.message };
    for (let n = error.path.length; n >= 0; n--) {
      const offset = offsets.get(formatPath(error.path.slice(0, n)));
      if (offset !== undefined) {
        const pos = lineCounter.linePos(offset);
        return { ...formatted, line: pos.line, column: pos.col };
      }
    }
    return formatted;
  };
}

/**
 * One line per error, e.g. `dataContracts[0].fields.age.range.max: must be at most 150 (line 12, column 16)`.
 *
 * @public
 */
export function formatSpecError(error: SpecError): string {
  const where = error.line
    ? ` (line ${error.line}, column ${error.column})`
    : '';
  return `${error.path || 'spec'}: ${error.message}${where}`;
}
