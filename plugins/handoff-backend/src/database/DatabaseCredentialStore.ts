import { CheckCredential } from '@handoff/backstage-plugin-handoff-common';
import { createHash } from 'crypto';
import { Knex } from 'knex';
import { appendAuditEntry, toIso } from './rows';

type CredentialRow = {
  id: number | string;
  entity_ref: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_by: string;
  created_at: Date | string;
  expires_at: Date | string;
  last_used_at: Date | string | null;
  revoked_by: string | null;
  revoked_at: Date | string | null;
};

const TABLE = 'handoff_check_credentials';

/** The stored form of a token: its SHA-256 (a token has 256 random bits). */
export const hashToken = (token: string) =>
  createHash('sha256').update(token, 'utf8').digest('hex');

function toCredential(row: CredentialRow, now: Date): CheckCredential {
  let status: CheckCredential['status'] = 'active';
  if (row.revoked_at) status = 'revoked';
  else if (new Date(row.expires_at).getTime() <= now.getTime()) {
    status = 'expired';
  }
  return {
    id: Number(row.id),
    entityRef: row.entity_ref,
    name: row.name,
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    expiresAt: toIso(row.expires_at),
    lastUsedAt: row.last_used_at ? toIso(row.last_used_at) : undefined,
    revokedBy: row.revoked_by ?? undefined,
    revokedAt: row.revoked_at ? toIso(row.revoked_at) : undefined,
    status,
  };
}

/** Check credentials: created, listed, revoked, and found by their token. */
export class DatabaseCredentialStore {
  constructor(private readonly db: Knex) {}

  async listCredentials(
    entityRef: string,
    now = new Date(),
  ): Promise<CheckCredential[]> {
    const rows: CredentialRow[] = await this.db(TABLE)
      .where({ entity_ref: entityRef })
      .orderBy('id', 'desc');
    return rows.map(r => toCredential(r, now));
  }

  async createCredential(
    input: {
      entityRef: string;
      name: string;
      token: string;
      createdBy: string;
      expiresAt: Date;
    },
    now = new Date(),
  ): Promise<CheckCredential> {
    return this.db.transaction(async tx => {
      const [inserted] = await tx(TABLE)
        .insert({
          entity_ref: input.entityRef,
          name: input.name,
          token_hash: hashToken(input.token),
          prefix: input.token.slice(0, 12),
          created_by: input.createdBy,
          created_at: now,
          expires_at: input.expiresAt,
        })
        .returning('id');
      const id = Number(typeof inserted === 'object' ? inserted.id : inserted);
      const stored = toCredential(await tx(TABLE).where({ id }).first(), now);
      await appendAuditEntry(tx, {
        entityRef: input.entityRef,
        actor: input.createdBy,
        action: 'credential-create',
        after: stored,
        at: now,
      });
      return stored;
    });
  }

  /** Revokes an active credential; false when it is unknown or ended already. */
  async revokeCredential(
    entityRef: string,
    id: number,
    by: string,
    now = new Date(),
  ): Promise<CheckCredential | false> {
    return this.db.transaction(async tx => {
      const changed = await tx(TABLE)
        .where({ entity_ref: entityRef, id })
        .whereNull('revoked_at')
        .where('expires_at', '>', now)
        .update({ revoked_by: by, revoked_at: now });
      if (!changed) return false;
      const after = toCredential(await tx(TABLE).where({ id }).first(), now);
      await appendAuditEntry(tx, {
        entityRef,
        actor: by,
        action: 'credential-revoke',
        after,
        at: now,
      });
      return after;
    });
  }

  /**
   * The active credential a token is, marking its use; undefined for an
   * unknown, revoked or expired token.
   */
  async useCredential(
    token: string,
    now = new Date(),
  ): Promise<CheckCredential | undefined> {
    const row: CredentialRow | undefined = await this.db(TABLE)
      .where({ token_hash: hashToken(token) })
      .first();
    if (!row) return undefined;
    const credential = toCredential(row, now);
    if (credential.status !== 'active') return undefined;
    await this.db(TABLE).where({ id: row.id }).update({ last_used_at: now });
    return { ...credential, lastUsedAt: now.toISOString() };
  }
}
