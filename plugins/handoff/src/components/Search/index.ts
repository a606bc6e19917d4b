export { HandoffSearchResultListItem } from './HandoffSearchResultListItem';
export type { HandoffSearchResultListItemProps } from './HandoffSearchResultListItem';
export { HandoffSearchFilters } from './HandoffSearchFilters';
