import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ScmIntegrationRegistry } from '@backstage/integration';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_HANDOFF_SPEC,
  formatSpecError,
} from '@handoff/backstage-plugin-handoff-common';
import {
  SpecParser,
  readSpecFile,
  resolveSpecLocation,
} from '@handoff/backstage-plugin-handoff-node';

/** The errors named in the catalog's message; the Handoff tab lists them all. */
const ERRORS_SHOWN = 20;

/**
 * Reports an entity's unreadable or invalid handoff spec among the catalog's
 * own processing errors, so the entity page's error panel shows it.
 *
 * Backstage keeps an entity at its last error-free state while a processing
 * error stands, and does not add a new entity until it has none; that is why
 * the module that installs this processor is opt-in.
 *
 * @public
 */
export class HandoffSpecProcessor implements CatalogProcessor {
  constructor(
    private readonly urlReader: UrlReaderService,
    private readonly integrations: ScmIntegrationRegistry,
    /** Parses off the catalog's thread (by default its own, one thread). */
    private readonly parser: SpecParser = new SpecParser(),
  ) {}

  getProcessorName() {
    return 'HandoffSpecProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!entity.metadata.annotations?.[ANNOTATION_HANDOFF_SPEC]) {
      return entity;
    }
    let result;
    try {
      const text = await readSpecFile(
        resolveSpecLocation(entity, this.integrations),
        this.urlReader,
      );
      result = await this.parser.parse(text);
    } catch (error) {
      emit(
        processingResult.generalError(
          location,
          `Handoff spec: ${(error as Error).message}`,
        ),
      );
      return entity;
    }
    if (!result.valid) {
      const more = result.errors.length - ERRORS_SHOWN;
      emit(
        processingResult.generalError(
          location,
          `Handoff spec ${
            entity.metadata.annotations[ANNOTATION_HANDOFF_SPEC]
          } is invalid: ${result.errors
            .slice(0, ERRORS_SHOWN)
            .map(formatSpecError)
            .join('; ')}${
            more > 0 ? `; and ${more} more (the Handoff tab lists them)` : ''
          }`,
        ),
      );
    }
    return entity;
  }
}
