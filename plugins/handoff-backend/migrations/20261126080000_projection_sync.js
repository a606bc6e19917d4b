// @ts-check

/**
 * The audit's catalog sync on request and between full passes: each
 * projected entity's catalog etag (so a delta pass reads only what changed),
 * and the state of the latest full sync (so the page can show its progress).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_entities', table => {
    table
      .string('catalog_etag', 128)
      .nullable()
      .comment("The catalog entity's etag when it was last projected");
  });
  await knex.schema.createTable('handoff_sync_status', table => {
    table.string('pass', 64).primary().comment('Which sync');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .comment('Last progress of the running sync');
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.integer('synced').notNullable().defaultTo(0);
    table.integer('removed').nullable();
    table.text('error').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('handoff_sync_status');
  await knex.schema.alterTable('handoff_entities', table => {
    table.dropColumn('catalog_etag');
  });
};
