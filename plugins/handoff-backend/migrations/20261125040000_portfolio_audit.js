// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_entities', table => {
    table
      .string('parent_ref', 512)
      .nullable()
      .comment('For groups: the parent group, so audits include child groups');
    table.index(['parent_ref']);
    // Whether an owner resolves is now a join on the projected Groups and Users.
    table.dropIndex(['owner_resolves']);
    table.dropColumn('owner_resolves');
    table.index(['kind', 'owner_ref']);
  });
  await knex.schema.createTable('handoff_capability_state', table => {
    table.comment(
      'Handoff state per entity, rewritten with every change, so audits are indexed SQL',
    );
    table.string('entity_ref', 512).primary().comment('Lower-case entity ref');
    table
      .string('decided_stage', 64)
      .nullable()
      .comment('The stage the latest decision moved it to');
    table.timestamp('stage_since', { useTz: true }).nullable();
    table.timestamp('next_review_at', { useTz: true }).nullable();
    table.string('risk_tier', 16).nullable();
    table
      .string('spec_state', 16)
      .nullable()
      .comment('valid or invalid: the latest stored spec version');
    table.integer('spec_version').nullable();
    table
      .string('operating_owner', 512)
      .nullable()
      .comment('Lower-case ref of the spec operating owner');
    table.text('missing_artifacts').nullable().comment('Comma-separated ids');
    table.integer('missing_artifact_count').notNullable().defaultTo(0);
    table.integer('failing_checks').notNullable().defaultTo(0);
    table.boolean('pending_transfer').notNullable().defaultTo(false);
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['next_review_at']);
    table.index(['decided_stage']);
    table.index(['risk_tier']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('handoff_capability_state');
  await knex.schema.alterTable('handoff_entities', table => {
    table.dropIndex(['kind', 'owner_ref']);
    table.dropIndex(['parent_ref']);
    table.dropColumn('parent_ref');
    table.boolean('owner_resolves').notNullable().defaultTo(false);
    table.index(['owner_resolves']);
  });
};
