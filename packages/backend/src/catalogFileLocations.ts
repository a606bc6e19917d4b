import {
  coreServices,
  createBackendModule,
  isChildPath,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  catalogLocationsExtensionPoint,
  catalogProcessingExtensionPoint,
  processingResult,
} from '@backstage/plugin-catalog-node';
import fs from 'fs';
import path from 'path';

/**
 * The folders file: locations may be read from: `catalog.fileLocationRoots`,
 * the folders of the file: locations in `catalog.locations` (the examples) and
 * the template's publish folder (`handoff.scaffolder.localPublishDirectory`),
 * relative to the backend's working directory as the catalog resolves them.
 */
export function allowedFileRoots(config: Config): string[] {
  const roots = (
    config.getOptionalStringArray('catalog.fileLocationRoots') ?? []
  ).map(root => path.resolve(root));
  roots.push(
    ...(config.getOptionalConfigArray('catalog.locations') ?? [])
      .filter(l => l.getString('type') === 'file')
      .map(l => path.dirname(path.resolve(l.getString('target')))),
  );
  const publish = config.getOptionalString(
    'handoff.scaffolder.localPublishDirectory',
  );
  if (publish) roots.push(path.resolve(publish));
  return roots;
}

/**
 * The configured file: locations (`catalog.locations`) that do not exist
 * where the backend runs, resolved as the catalog resolves them: a catalog
 * started from the wrong folder would otherwise come up empty, silently.
 */
export function missingFileLocations(config: Config): string[] {
  return (config.getOptionalConfigArray('catalog.locations') ?? [])
    .filter(l => l.getString('type') === 'file')
    .map(l => path.resolve(l.getString('target')))
    .filter(target => !fs.existsSync(target));
}

/**
 * Refuses file: locations outside the allowed folders before the catalog's own
 * file reader sees them, so a signed-in user cannot register a catalog file
 * from anywhere on the server's disk.
 */
export class AllowedFileLocationsProcessor implements CatalogProcessor {
  constructor(private readonly roots: string[]) {}

  getProcessorName() {
    return 'AllowedFileLocationsProcessor';
  }

  /** Before the built-in file reader (priority 20). */
  getPriority() {
    return 10;
  }

  async readLocation(
    location: LocationSpec,
    _optional: boolean,
    emit: CatalogProcessorEmit,
  ): Promise<boolean> {
    if (location.type !== 'file') return false;
    const target = path.resolve(location.target);
    // isChildPath compares real paths: a symlink out of a root is outside.
    if (this.roots.some(root => isChildPath(root, target))) return false;
    emit(
      processingResult.inputError(
        location,
        `file: locations are read only from ${this.roots.join(
          ', ',
        )}; ${target} is outside them`,
      ),
    );
    return true;
  }
}

/**
 * Lets the catalog API register file: locations, which the "New capability"
 * template's handoff:publish:local uses on a portal without a git host, but
 * only inside the example and publish folders. Drop this module where
 * templates publish to a git host instead: production reads url: locations only.
 */
export default createBackendModule({
  pluginId: 'catalog',
  moduleId: 'file-locations',
  register(reg) {
    reg.registerInit({
      deps: {
        locations: catalogLocationsExtensionPoint,
        processing: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ locations, processing, config, logger }) {
        for (const target of missingFileLocations(config)) {
          logger.warn(
            `The catalog location ${target} does not exist (paths are resolved from ${process.cwd()}): the catalog has none of its entities`,
          );
        }
        locations.setAllowedLocationTypes(['url', 'file']);
        processing.addProcessor(
          new AllowedFileLocationsProcessor(allowedFileRoots(config)),
        );
      },
    });
  },
});
