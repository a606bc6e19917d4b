// @ts-check

/**
 * The audit's gap "success criterion missed twice": whether a success
 * criterion missed its target in each of a capability's last two review
 * cycles, kept with its audit state and copied onto its projection row.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table
        .boolean('kpi_missed')
        .notNullable()
        .defaultTo(false)
        .comment('A success criterion missed in each of the last two reviews');
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('kpi_missed');
    });
  }
};
