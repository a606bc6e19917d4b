// @ts-check

/**
 * The audit's gap "work past due": the earliest due date of a capability's
 * open work items, kept with its audit state and copied onto its projection
 * row like the rest; and who the tracker has each ticket assigned to.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_work_items', table => {
    table
      .string('ticket_assignee', 256)
      .nullable()
      .comment('Who the tracker has the ticket assigned to, in its own terms');
  });
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
  await knex.schema.alterTable('handoff_work_items', table => {
    table.dropColumn('ticket_assignee');
  });
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('work_due_at');
    });
  }
};
