export { OwnerField } from './OwnerField';
export type { OwnerFieldValue } from './OwnerField';
