import { DecoratorBase } from '@backstage/plugin-search-backend-node';
import {
  DocumentDecoratorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import {
  CapabilityReaderDeps,
  capabilityDocuments,
} from './HandoffCollatorFactory';

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/** Leaves out the catalog's document of every capability Handoff indexes. */
class CapabilityDuplicatesDecorator extends DecoratorBase {
  private capabilities = new Set<string>();

  constructor(private readonly deps: CapabilityReaderDeps) {
    super();
  }

  async initialize() {
    try {
      for await (const doc of capabilityDocuments(this.deps)) {
        this.capabilities.add(lower(doc.entityRef));
      }
    } catch (error) {
      // Without Handoff's list the catalog's documents stay as they are: a
      // capability is found twice rather than not at all.
      this.deps.logger.warn(
        `Capabilities stay in the catalog's search documents this time: Handoff did not answer (${
          (error as Error).message
        })`,
      );
      this.capabilities.clear();
    }
  }

  async decorate(
    document: IndexableDocument,
  ): Promise<IndexableDocument | undefined> {
    const ref = document.authorization?.resourceRef;
    return ref && this.capabilities.has(lower(ref)) ? undefined : document;
  }

  async finalize() {
    this.capabilities.clear();
  }
}

/**
 * One search result per capability: the catalog's collator indexes every
 * entity, Handoff's indexes capabilities with their stage, owners and risk;
 * this leaves the catalog's copy of a capability out of the index, so "All"
 * lists each capability once, as a capability.
 *
 * @public
 */
export class CapabilityDuplicatesDecoratorFactory
  implements DocumentDecoratorFactory
{
  readonly types = ['software-catalog'];

  constructor(private readonly deps: CapabilityReaderDeps) {}

  async getDecorator() {
    return new CapabilityDuplicatesDecorator(this.deps);
  }
}
