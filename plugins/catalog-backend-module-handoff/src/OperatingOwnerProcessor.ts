import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogProcessor } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_HANDOFF_OPERATING_OWNER,
  isCapability,
} from '@handoff/backstage-plugin-handoff-common';

/** How long one answer of the Handoff backend serves every entity processed. */
const FRESH_MS = 30_000;

type Owners = Map<string, string>;

/**
 * Keeps the `handoff.dev/operating-owner` annotation on capabilities: the
 * owner their latest hand-off was accepted by while they are handed off or
 * operating, as the Handoff backend says (one request every 30 seconds at
 * most, whatever the number of entities). What an entity's own file says
 * under that annotation is always dropped, so nobody grants themselves the
 * rule. When Handoff does not answer, the last answer stands; before any
 * answer, no entity carries it.
 *
 * @public
 */
export class OperatingOwnerProcessor implements CatalogProcessor {
  private owners?: { at: number; value: Owners };
  private inFlight?: Promise<Owners | undefined>;

  constructor(
    private readonly deps: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      /** For tests. */
      fetch?: typeof fetch;
    },
  ) {}

  getProcessorName() {
    return 'HandoffOperatingOwnerProcessor';
  }

  async preProcessEntity(entity: Entity): Promise<Entity> {
    const annotations = { ...entity.metadata.annotations };
    const forged = ANNOTATION_HANDOFF_OPERATING_OWNER in annotations;
    delete annotations[ANNOTATION_HANDOFF_OPERATING_OWNER];
    const owner = isCapability(entity)
      ? (await this.current())?.get(
          stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
        )
      : undefined;
    if (owner) annotations[ANNOTATION_HANDOFF_OPERATING_OWNER] = owner;
    if (!owner && !forged) return entity;
    return { ...entity, metadata: { ...entity.metadata, annotations } };
  }

  private async current(): Promise<Owners | undefined> {
    if (this.owners && Date.now() - this.owners.at < FRESH_MS) {
      return this.owners.value;
    }
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async load(): Promise<Owners | undefined> {
    const { discovery, auth, logger } = this.deps;
    try {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'handoff',
      });
      const res = await (this.deps.fetch ?? fetch)(
        `${await discovery.getBaseUrl('handoff')}/operating-owners`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
      const body = (await res.json()) as {
        items: Array<{ entityRef: string; operatingOwner: string }>;
      };
      const value: Owners = new Map(
        body.items.map(i => [
          i.entityRef.toLocaleLowerCase('en-US'),
          i.operatingOwner,
        ]),
      );
      this.owners = { at: Date.now(), value };
      return value;
    } catch (error) {
      logger.warn(
        `Could not ask Handoff which teams run the capabilities handed to them; ${
          this.owners ? 'the last answer stands' : 'none is marked yet'
        }: ${(error as Error).message}`,
      );
      return this.owners?.value;
    }
  }
}
