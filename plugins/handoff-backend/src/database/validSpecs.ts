import {
  HandoffSpec,
  RiskProfile,
  riskProfileSchema,
  validateHandoffSpecObject,
} from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { LRUCache } from 'lru-cache';

/** What the rules need of a stored spec version. */
type SpecFacts = {
  /** The typed spec, when the version is valid. */
  spec?: HandoffSpec;
  /** Its risk profile, when that part parses, valid spec or not. */
  risk?: RiskProfile;
};

/**
 * Spec facts by stored version (entity, version number and text hash). A
 * stored version never changes, so a cached entry can never disagree with
 * it, on any replica; a 1 MB spec is loaded and typed once, not on every
 * check, decision and page view.
 */
const factsByVersion = new LRUCache<string, SpecFacts>({
  maxSize: 64 * 1024 * 1024,
});

const keyOf = (v: {
  entityRef: string;
  version: number;
  contentHash: string;
}) => `${v.entityRef}\n${v.version}\n${v.contentHash}`;

/** Forgets every cached spec (tests that reuse a ref on a new database). */
export function forgetSpecFacts() {
  factsByVersion.clear();
}

function factsOf(
  key: string,
  valid: boolean,
  document: unknown,
  size: number,
): SpecFacts {
  const cached = factsByVersion.get(key);
  if (cached) return cached;
  const parsed = valid ? validateHandoffSpecObject(document) : undefined;
  const risk = riskProfileSchema.safeParse(
    (document as { risk?: unknown } | undefined)?.risk,
  );
  const facts = {
    spec: parsed?.valid ? parsed.spec : undefined,
    risk: risk.success ? risk.data : undefined,
  };
  factsByVersion.set(key, facts, { size: Math.max(1, size) });
  return facts;
}

/**
 * The typed spec of a stored version, when the version is valid; callers
 * read it and never change it.
 */
export function validSpecOf(
  version:
    | {
        entityRef: string;
        version: number;
        contentHash: string;
        valid: boolean;
        content?: string;
        document?: unknown;
      }
    | undefined,
): HandoffSpec | undefined {
  if (!version?.valid || !version.document) return undefined;
  return factsOf(
    keyOf(version),
    version.valid,
    version.document,
    version.content?.length ?? 1,
  ).spec;
}

/**
 * The latest spec version of an entity and its facts, reading the stored
 * text and document only when they are not cached.
 */
export async function latestSpecFacts(
  db: Knex,
  entityRef: string,
): Promise<
  | (SpecFacts & { version: number; contentHash: string; valid: boolean })
  | undefined
> {
  const row = await db('handoff_spec_versions')
    .where({ entity_ref: entityRef })
    .orderBy('version', 'desc')
    .first('version', 'content_hash', 'valid');
  if (!row) return undefined;
  const valid = Boolean(row.valid);
  const key = keyOf({
    entityRef,
    version: Number(row.version),
    contentHash: row.content_hash,
  });
  let facts = factsByVersion.get(key);
  if (!facts) {
    const full = await db('handoff_spec_versions')
      .where({ entity_ref: entityRef, version: row.version })
      .first('document', 'content');
    facts = factsOf(
      key,
      valid,
      full?.document ? JSON.parse(full.document) : undefined,
      full?.content?.length ?? 1,
    );
  }
  return {
    ...facts,
    version: Number(row.version),
    contentHash: row.content_hash,
    valid,
  };
}
