import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import {
  DEFAULT_GATE_POLICY,
  GatePolicy,
} from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { latestSpecFacts } from './validSpecs';
import { writeCapabilityState } from './capabilityState';
import { SpecRead, SpecReadStatus, SpecStore } from './HandoffStore';
import {
  SpecVersionRow,
  appendAuditEntry,
  summaryColumns,
  toIso,
  toSpecSummary,
  toSpecVersion,
} from './rows';

/** Every distinct version of each entity's spec, and its latest read. */
export class DatabaseSpecStore implements SpecStore {
  constructor(
    private readonly db: Knex,
    private readonly policy: GatePolicy = DEFAULT_GATE_POLICY,
  ) {}

  async recordSpec(read: SpecRead, now: Date = new Date()) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction(async tx => {
          const latest = await tx<SpecVersionRow>('handoff_spec_versions')
            .where({ entity_ref: read.entityRef })
            .orderBy('version', 'desc')
            .first();
          if (latest && latest.content_hash === read.contentHash) {
            await tx('handoff_spec_versions')
              .where({ entity_ref: read.entityRef, version: latest.version })
              .update({ last_seen_at: now });
            return {
              version: toSpecVersion({ ...latest, last_seen_at: now }),
              created: false,
            };
          }
          const row: SpecVersionRow = {
            entity_ref: read.entityRef,
            version: (latest ? Number(latest.version) : 0) + 1,
            content_hash: read.contentHash,
            content: read.content,
            document: read.document ? JSON.stringify(read.document) : null,
            valid: read.valid,
            errors: JSON.stringify(read.errors),
            source_location: read.sourceLocation,
            entity_state: JSON.stringify(read.entityState),
            first_seen_at: now,
            last_seen_at: now,
          };
          await tx('handoff_spec_versions').insert(row);
          // Every new version is in the audit trail: source, hash, who read it.
          await appendAuditEntry(tx, {
            entityRef: read.entityRef,
            actor: read.readBy ?? 'plugin:handoff',
            action: 'spec:version',
            before: latest
              ? {
                  version: Number(latest.version),
                  contentHash: latest.content_hash,
                }
              : undefined,
            after: {
              version: row.version,
              contentHash: row.content_hash,
              sourceLocation: row.source_location,
              valid: Boolean(row.valid),
            },
            at: now,
          });
          await writeCapabilityState(tx, read.entityRef, now, this.policy);
          return { version: toSpecVersion(row), created: true };
        });
      } catch (error) {
        // Another replica stored the same read at the same moment: read again.
        if (!isDatabaseConflictError(error) || attempt >= 3) {
          throw error;
        }
      }
    }
  }

  async recordReadStatus(status: SpecReadStatus) {
    await this.db('handoff_spec_reads')
      .insert({
        entity_ref: status.entityRef,
        source_location: status.sourceLocation ?? null,
        read_error: status.readError ?? null,
        read_at: new Date(status.readAt),
        etag: status.etag ?? null,
        file_stamp: status.fileStamp ?? null,
        entity_etag: status.entityEtag ?? null,
      })
      .onConflict('entity_ref')
      .merge();
  }

  async getReadStatus(entityRef: string) {
    return (await this.getReadStatuses([entityRef])).get(entityRef);
  }

  async getReadStatuses(entityRefs: string[]) {
    const result = new Map<string, SpecReadStatus>();
    for (let i = 0; i < entityRefs.length; i += 500) {
      const rows = await this.db('handoff_spec_reads').whereIn(
        'entity_ref',
        entityRefs.slice(i, i + 500),
      );
      for (const row of rows) {
        result.set(row.entity_ref, {
          entityRef: row.entity_ref,
          sourceLocation: row.source_location ?? undefined,
          readError: row.read_error ?? undefined,
          readAt: toIso(row.read_at),
          etag: row.etag ?? undefined,
          fileStamp: row.file_stamp ?? undefined,
          entityEtag: row.entity_etag ?? undefined,
        });
      }
    }
    return result;
  }

  async latestSpec(entityRef: string) {
    const row = await this.db<SpecVersionRow>('handoff_spec_versions')
      .where({ entity_ref: entityRef })
      .orderBy('version', 'desc')
      .first();
    return row ? toSpecVersion(row) : undefined;
  }

  latestSpecFacts(entityRef: string) {
    return latestSpecFacts(this.db, entityRef);
  }

  async listSpecVersions(entityRef: string) {
    const rows: SpecVersionRow[] = await this.db('handoff_spec_versions')
      .where({ entity_ref: entityRef })
      .orderBy('version', 'desc')
      .select(summaryColumns);
    return rows.map(row => toSpecSummary(row));
  }

  async getSpecVersion(entityRef: string, version: number) {
    const row = await this.db<SpecVersionRow>('handoff_spec_versions')
      .where({ entity_ref: entityRef, version })
      .first();
    return row ? toSpecVersion(row) : undefined;
  }

  async passProgress(pass: string) {
    const row = await this.db('handoff_pass_progress').where({ pass }).first();
    if (!row) return undefined;
    return {
      // An empty cursor is the first page.
      cursor: (row.cursor as string) || undefined,
      done: row.done_in_page ? (JSON.parse(row.done_in_page) as string[]) : [],
      startedAt: toIso(row.started_at),
    };
  }

  async savePassProgress(
    pass: string,
    progress?: { cursor?: string; done?: string[]; startedAt: Date },
  ) {
    if (!progress) {
      await this.db('handoff_pass_progress').where({ pass }).delete();
      return;
    }
    await this.db('handoff_pass_progress')
      .insert({
        pass,
        cursor: progress.cursor ?? '',
        done_in_page: JSON.stringify(progress.done ?? []),
        started_at: progress.startedAt,
        updated_at: new Date(),
      })
      .onConflict('pass')
      .merge(['cursor', 'done_in_page', 'started_at', 'updated_at']);
  }
}
