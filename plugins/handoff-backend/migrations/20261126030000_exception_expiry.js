// @ts-check

/**
 * An exception lasts until a date (by default the next review); once it has
 * passed, the capability shows the gap "exception expired".
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_decisions', table => {
    table
      .timestamp('exception_expires_at', { useTz: true })
      .nullable()
      .comment('When the exception this decision was recorded under ends');
  });
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table
        .timestamp('exception_expires_at', { useTz: true })
        .nullable()
        .comment("When the latest decision's exception ends");
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const name of [
    'handoff_decisions',
    'handoff_capability_state',
    'handoff_entities',
  ]) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('exception_expires_at');
    });
  }
};
