import { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  parseLocationRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { ANNOTATION_HANDOFF_SPEC } from '@handoff/backstage-plugin-handoff-common';
import fs from 'fs/promises';
import path from 'path';

/** The largest handoff.yaml read; anything bigger is refused as a mistake. */
const MAX_SPEC_BYTES = 1024 * 1024;

/**
 * Where an entity's spec lives: the annotation's value resolved against the
 * location the entity itself was read from.
 */
export function resolveSpecLocation(
  entity: Entity,
  integrations: ScmIntegrationRegistry,
): { type: 'file' | 'url'; target: string } {
  const annotations = entity.metadata.annotations ?? {};
  const specPath = annotations[ANNOTATION_HANDOFF_SPEC];
  if (!specPath) {
    throw new InputError(
      `The entity has no ${ANNOTATION_HANDOFF_SPEC} annotation`,
    );
  }
  if (/^https?:\/\//.test(specPath)) {
    return { type: 'url', target: specPath };
  }
  const ownLocation = annotations[ANNOTATION_LOCATION];
  if (!ownLocation) {
    throw new InputError(
      `The entity has no ${ANNOTATION_LOCATION} annotation to resolve ${specPath} against`,
    );
  }
  const { type, target } = parseLocationRef(ownLocation);
  if (type === 'file') {
    return {
      type: 'file',
      target: path.resolve(path.dirname(target), specPath),
    };
  }
  if (type === 'url') {
    return {
      type: 'url',
      target: integrations.resolveUrl({ url: specPath, base: target }),
    };
  }
  throw new InputError(`Cannot read a spec next to a ${type}: location`);
}

/** Reads the spec file an entity points at, from disk or through the URL reader. */
export async function readSpecFile(
  location: { type: 'file' | 'url'; target: string },
  urlReader: UrlReaderService,
): Promise<string> {
  if (location.type === 'file') {
    let stat;
    try {
      stat = await fs.stat(location.target);
    } catch {
      throw new NotFoundError(`No file at ${location.target}`);
    }
    if (stat.size > MAX_SPEC_BYTES) {
      throw new InputError(`${location.target} is larger than 1 MB`);
    }
    return fs.readFile(location.target, 'utf8');
  }
  const response = await urlReader.readUrl(location.target);
  const buffer = await response.buffer();
  if (buffer.length > MAX_SPEC_BYTES) {
    throw new InputError(`${location.target} is larger than 1 MB`);
  }
  return buffer.toString('utf8');
}
