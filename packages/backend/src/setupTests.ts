// Specs are parsed in worker threads, which the test runner's TypeScript
// hooks do not reach: each thread loads Backstage's node transform first.
process.env.HANDOFF_SPEC_PARSER_REQUIRE ??= require.resolve(
  '@backstage/cli/config/nodeTransform.cjs',
);
