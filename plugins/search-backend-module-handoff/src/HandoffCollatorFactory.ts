import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import {
  CapabilitySearchDocument,
  CapabilitySearchPage,
} from '@handoff/backstage-plugin-handoff-common';
import { Readable } from 'stream';

/**
 * A capability in the search index: what it is, where it stands and who owns
 * it, visible to exactly the users who may read its catalog entity.
 *
 * @public
 */
export type HandoffSearchDocument = IndexableDocument &
  Omit<CapabilitySearchDocument, 'title' | 'text' | 'location'>;

/**
 * What reads capabilities from the Handoff backend needs.
 *
 * @public
 */
export type CapabilityReaderDeps = {
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
  /** Capabilities asked for at once (default 500). */
  pageSize?: number;
};

/**
 * Collates every Handoff capability for Backstage search (document type
 * `handoff`), a page at a time from the Handoff backend.
 *
 * @public
 */
export class HandoffCollatorFactory implements DocumentCollatorFactory {
  readonly type = 'handoff';
  /** Search shows a document only to those who may read its entity. */
  readonly visibilityPermission = catalogEntityReadPermission;

  constructor(private readonly deps: CapabilityReaderDeps) {}

  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  private async *documents(): AsyncGenerator<HandoffSearchDocument> {
    let count = 0;
    for await (const doc of capabilityDocuments(this.deps)) {
      count += 1;
      yield { ...doc, authorization: { resourceRef: doc.entityRef } };
    }
    this.deps.logger.info(`Indexed ${count} Handoff capabilities for search`);
  }
}

/** Every capability's search document, a page at a time from the Handoff backend. */
export async function* capabilityDocuments(
  deps: CapabilityReaderDeps,
): AsyncGenerator<CapabilitySearchDocument> {
  const { auth, discovery } = deps;
  const baseUrl = await discovery.getBaseUrl('handoff');
  let after: string | undefined;
  do {
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'handoff',
    });
    const params = new URLSearchParams({
      limit: String(deps.pageSize ?? 500),
      ...(after && { after }),
    });
    const res = await fetch(`${baseUrl}/search/capabilities?${params}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    const page = (await res.json()) as CapabilitySearchPage;
    yield* page.items;
    after = page.next;
  } while (after);
}
