import { SPEC_ARTIFACTS, SPEC_ARTIFACT_TITLES, SpecArtifact } from './diff';

/**
 * A place in a handoff spec, in words: the section it belongs to, the item
 * ("Success criterion 1", "Data contract “orders”") and what of it
 * ("the metric"), for people who never read the YAML.
 *
 * @public
 */
export type SpecPlace = {
  section: string;
  /** The item of the section (the section itself when it has no items). */
  item: string;
  /** What of the item, when not the whole of it. */
  part?: string;
};

/** What one item of a list section is called. */
const ITEM_NAMES: Partial<Record<SpecArtifact, string>> = {
  successCriteria: 'Success criterion',
  acceptanceCriteria: 'Acceptance criterion',
  nonFunctionalRequirements: 'Non-functional requirement',
  regulatoryConstraints: 'Regulatory constraint',
  dataContracts: 'Data contract',
  features: 'Feature',
  deliveryWork: 'Work item',
};

/** Field names in words; a name missing here is split at its capitals. */
const WORDS: Record<string, string> = {
  problem: 'the problem it solves',
  users: 'who uses it',
  outcome: 'the outcome',
  metric: 'the metric',
  target: 'its target',
  unit: 'the unit',
  measuredBy: 'how it is measured',
  category: 'the category',
  requirement: 'the requirement',
  regulation: 'the regulation',
  name: 'the name',
  description: 'the description',
  provenance: 'where the data comes from',
  sourceSystem: 'the source system',
  quality: 'the quality thresholds',
  '(driftTolerance|driftExempt)':
    'its drift tolerance (or why drift does not apply)',
  driftTolerance: 'its drift tolerance',
  range: 'its value range',
  successMetric: 'its success metric',
  inputs: 'the inputs',
  outputs: 'the outputs',
  failureModes: 'the failure modes',
  evaluationMetric: 'the evaluation metric',
  fallback: 'the fallback',
  cases: 'the test cases',
  strategy: 'the strategy',
  checklist: 'the checklist',
  done: 'ticked done',
  rollback: 'the rollback',
  procedure: 'procedure',
  dashboards: 'the dashboards',
  kpis: 'the KPIs',
  slos: 'the SLOs',
  alerts: 'the alerts',
  operatingOwner: 'the operating owner',
  supportPath: 'the support path',
  raci: 'the RACI',
  evidence: 'the evidence',
};

const humanize = (key: string) =>
  key
    .replace(/^\((.*)\)$/, '$1')
    .replace(/\|/g, ' or ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();

const wordFor = (key: string) => WORDS[key] ?? `the ${humanize(key)}`;

/** A path as gate policies and the validator write it, as keys and indexes. */
function tokens(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  const pattern = /\[(\d+)\]|\(([^)]*)\)|([^.[\]]+)/g;
  for (const match of path.matchAll(pattern)) {
    if (match[1] !== undefined) out.push(Number(match[1]));
    else if (match[2] !== undefined) out.push(`(${match[2]})`);
    else out.push(match[3]);
  }
  return out;
}

const isArtifact = (key: unknown): key is SpecArtifact =>
  (SPEC_ARTIFACTS as readonly unknown[]).includes(key);

/**
 * Where a path of a spec is, in words: `successCriteria[0].measuredBy` is
 * "Success criterion 1: how it is measured", `dataContracts[0].fields.age.range`
 * is "Data contract “orders”: field “age”, its value range". The spec, when
 * given, names list items by their name.
 *
 * @public
 */
export function specPlace(path: string, spec?: unknown): SpecPlace {
  const [first, ...rest] = tokens(path);
  const key = String(first ?? '');
  const section = isArtifact(key)
    ? SPEC_ARTIFACT_TITLES[key]
    : humanize(key).replace(/^./, c => c.toUpperCase());
  let item = section;
  if (isArtifact(key) && ITEM_NAMES[key] && typeof rest[0] === 'number') {
    const index = rest.shift() as number;
    const value = (spec as Record<string, unknown> | undefined)?.[key];
    const name = Array.isArray(value)
      ? (value[index] as { name?: unknown } | undefined)?.name
      : undefined;
    item =
      typeof name === 'string' && name.trim() && !/^\s*TODO\b/.test(name)
        ? `${ITEM_NAMES[key]} “${name.trim()}”`
        : `${ITEM_NAMES[key]} ${index + 1}`;
  }
  const where: string[] = [];
  const what: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i];
    if (token === 'fields' && typeof rest[i + 1] === 'string') {
      where.push(`field “${rest[++i]}”`);
    } else if (typeof token === 'number') {
      const list = what.pop();
      where.push(
        `${list ? `${list.replace(/^the /, '')} ` : ''}item ${token + 1}`,
      );
    } else {
      what.push(wordFor(token));
    }
  }
  // "the rollback" + "procedure" reads "the rollback procedure".
  const words = what.map((w, i) => (i ? w.replace(/^the /, '') : w));
  const part = [...where, words.join(' ')].filter(Boolean).join(', ');
  return part ? { section, item, part } : { section, item };
}

/** "a", "a and b", "a, b and c". */
function listInWords(items: string[]): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Several places of a spec in words, one phrase per item: "Success criterion
 * 1: the metric and its target; Deployment checklist and rollback: the
 * rollback procedure".
 *
 * @public
 */
export function specPlacesInWords(paths: string[], spec?: unknown): string {
  const byItem = new Map<string, string[]>();
  for (const path of paths) {
    const place = specPlace(path, spec);
    const parts = byItem.get(place.item) ?? [];
    if (place.part && !parts.includes(place.part)) parts.push(place.part);
    byItem.set(place.item, parts);
  }
  return [...byItem]
    .map(([item, parts]) =>
      parts.length ? `${item}: ${listInWords(parts)}` : item,
    )
    .join('; ');
}
