/**
 * Files Handoff's work items as GitHub issues, exactly once, and reads their
 * status back.
 *
 * @packageDocumentation
 */
export { handoffModuleGithubTracker as default } from './module';
export { GithubTracker, GITHUB_PROJECT_SLUG, keyLabel } from './GithubTracker';
