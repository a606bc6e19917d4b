export { HandoffSearchResultListItem } from './HandoffSearchResultListItem';
export { HandoffSearchFilters } from './HandoffSearchFilters';
