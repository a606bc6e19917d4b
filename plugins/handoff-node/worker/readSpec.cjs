/*
 * The spec reader's worker thread: parses and validates one handoff.yaml
 * with the one validator, off the backend's request thread (SpecParser).
 */
const common = '@handoff/backstage-plugin-handoff-common';

// Inside this repository the common package is TypeScript source; the
// backend's own process registers the TypeScript hooks that its threads
// inherit, and a test runner's threads register them here. An installed
// package is built JavaScript and needs none.
if (require.resolve(common).endsWith('.ts') && !require.extensions['.ts']) {
  require('@backstage/cli/config/nodeTransform.cjs');
}

const { validateHandoffSpec } = require(common);

module.exports = content => validateHandoffSpec(content);
