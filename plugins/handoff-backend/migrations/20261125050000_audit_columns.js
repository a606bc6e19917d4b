// @ts-check

/**
 * The audit reads one table: each projected entity carries a copy of its
 * handoff state and whether its owners resolve, so filters are a single scan
 * or an index lookup, never a join per row.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_entities', table => {
    table.boolean('owner_resolves').notNullable().defaultTo(false);
    table.string('stage', 64).notNullable().defaultTo('proposed');
    table.timestamp('stage_since', { useTz: true }).nullable();
    table.timestamp('next_review_at', { useTz: true }).nullable();
    table.string('risk_tier', 16).nullable();
    table.string('spec_state', 16).notNullable().defaultTo('missing');
    table.integer('spec_version').nullable();
    table.string('operating_owner', 512).nullable();
    table.boolean('operating_owner_resolves').notNullable().defaultTo(false);
    table.text('missing_artifacts').nullable();
    table.integer('missing_artifact_count').notNullable().defaultTo(0);
    table.integer('failing_checks').notNullable().defaultTo(0);
    table.boolean('pending_transfer').notNullable().defaultTo(false);
    table
      .text('search_text')
      .nullable()
      .comment('Lower-case ref and title, for the text filter');
    table.index(['stage']);
    table.index(['next_review_at']);
    table.index(['spec_state']);
    table.index(['operating_owner']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('handoff_entities', table => {
    table.dropIndex(['stage']);
    table.dropIndex(['next_review_at']);
    table.dropIndex(['spec_state']);
    table.dropIndex(['operating_owner']);
    for (const column of [
      'owner_resolves',
      'stage',
      'stage_since',
      'next_review_at',
      'risk_tier',
      'spec_state',
      'spec_version',
      'operating_owner',
      'operating_owner_resolves',
      'missing_artifacts',
      'missing_artifact_count',
      'failing_checks',
      'pending_transfer',
      'search_text',
    ]) {
      table.dropColumn(column);
    }
  });
};
