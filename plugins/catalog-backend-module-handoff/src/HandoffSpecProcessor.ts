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
  validateHandoffSpec,
} from '@handoff/backstage-plugin-handoff-common';
import {
  readSpecFile,
  resolveSpecLocation,
} from '@handoff/backstage-plugin-handoff-node';

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
    let text: string;
    try {
      text = await readSpecFile(
        resolveSpecLocation(entity, this.integrations),
        this.urlReader,
      );
    } catch (error) {
      emit(
        processingResult.generalError(
          location,
          `Handoff spec: ${(error as Error).message}`,
        ),
      );
      return entity;
    }
    const result = validateHandoffSpec(text);
    if (!result.valid) {
      emit(
        processingResult.generalError(
          location,
          `Handoff spec ${
            entity.metadata.annotations[ANNOTATION_HANDOFF_SPEC]
          } is invalid: ${result.errors.map(formatSpecError).join('; ')}`,
        ),
      );
    }
    return entity;
  }
}
