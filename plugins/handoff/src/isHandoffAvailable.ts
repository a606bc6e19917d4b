import { Entity } from '@backstage/catalog-model';
import { isCapability } from '@handoff/backstage-plugin-handoff-common';

/**
 * Whether an entity takes part in Handoff: it carries a `handoff.dev/spec`
 * or `handoff.dev/stage` annotation. The new frontend system shows the card
 * and tab only there; on the legacy system, wrap them in
 * `<EntitySwitch.Case if={isHandoffAvailable}>` for the same.
 *
 * @public
 */
export function isHandoffAvailable(entity: Entity): boolean {
  return isCapability(entity);
}
