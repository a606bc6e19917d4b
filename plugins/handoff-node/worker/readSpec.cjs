/*
 * The spec reader's worker thread: parses and validates one handoff.yaml
 * with the one validator, off the backend's request thread (SpecParser).
 * An installed package is built JavaScript; inside the Handoff repository
 * the backend's TypeScript hooks reach this thread through its execArgv
 * (SpecParser adds HANDOFF_SPEC_PARSER_REQUIRE there for test runners).
 */
const {
  validateHandoffSpec,
} = require('@handoff/backstage-plugin-handoff-common');

module.exports = content => validateHandoffSpec(content);
