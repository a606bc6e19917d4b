export { SafeLink, httpHref } from './SafeLink';
