// @ts-check

/**
 * The audit's gap "work past due": the earliest due date of a capability's
 * open work items, kept with its audit state and copied onto its projection
 * row like the rest.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table
        .timestamp('work_due_at', { useTz: true })
        .nullable()
        .comment('The earliest due date of its open work items');
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('work_due_at');
    });
  }
};
