// @ts-check

/**
 * Turnarounds the gate policy promises (hand-off acceptance, readiness
 * review): when the one a capability waits for is due and which it is, kept
 * with its audit state and copied onto its projection row like the rest.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table
        .timestamp('sla_due_at', { useTz: true })
        .nullable()
        .comment('When the turnaround it waits for is due by the policy');
      table
        .string('sla_kind', 32)
        .nullable()
        .comment('handoffAcceptance or readinessReview');
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('sla_due_at');
      table.dropColumn('sla_kind');
    });
  }
};
