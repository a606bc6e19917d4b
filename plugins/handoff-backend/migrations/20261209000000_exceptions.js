// @ts-check

/**
 * Exception requests: one person asks to waive one requirement of a
 * capability's gates until a date, another grants or denies it. Rows are
 * never deleted: denied, revoked and expired ones stay listed. `open_key` is
 * set while a request is pending or granted and cleared when it ends, so a
 * unique index allows one open request per requirement and capability.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('handoff_exceptions', table => {
    table.comment('Exception requests and their answers');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 512).notNullable();
    table.string('requirement', 64).notNullable();
    table.text('requirement_description').notNullable();
    table.text('justification').notNullable();
    table.string('until', 10).notNullable().comment('Last day it stands, UTC');
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, granted, denied or revoked (expired is read)');
    table.string('requested_by', 512).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.string('answered_by', 512).nullable();
    table.timestamp('answered_at', { useTz: true }).nullable();
    table.text('answer_note').nullable();
    table.string('revoked_by', 512).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.text('revoke_note').nullable();
    table
      .string('open_key', 600)
      .nullable()
      .unique()
      .comment('entity ref and requirement while pending or granted');
    table.index(['entity_ref', 'id']);
    table.index(['status', 'id']);
  });
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table
        .integer('exceptions_pending')
        .notNullable()
        .defaultTo(0)
        .comment('Exception requests waiting to be granted or denied');
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('handoff_exceptions');
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('exceptions_pending');
    });
  }
};
