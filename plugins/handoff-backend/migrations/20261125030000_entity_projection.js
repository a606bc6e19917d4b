// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('handoff_entities', table => {
    table.comment(
      'A small projection of the catalog, synced in pages, so audits are indexed SQL',
    );
    table.string('entity_ref', 512).primary();
    table.string('kind', 64).notNullable();
    table.string('type', 128).nullable().comment('spec.type');
    table.string('lifecycle', 128).nullable().comment('spec.lifecycle');
    table.text('title').nullable();
    table
      .string('owner_ref', 512)
      .nullable()
      .comment('Target of the ownedBy relation');
    table
      .boolean('owner_resolves')
      .notNullable()
      .comment('Whether the owner is a Group or User in the catalog');
    table
      .text('spec_location')
      .nullable()
      .comment('The handoff.dev/spec annotation');
    table
      .string('registered_stage', 64)
      .nullable()
      .comment('The handoff.dev/stage annotation');
    table
      .timestamp('synced_at', { useTz: true })
      .notNullable()
      .comment('The sync pass that last saw it');
    table.index(['owner_ref']);
    table.index(['owner_resolves']);
    table.index(['kind']);
    table.index(['synced_at']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('handoff_entities');
};
