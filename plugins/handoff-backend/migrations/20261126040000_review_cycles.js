// @ts-check

/**
 * Periodic reviews: a review decision keeps its readout (usage, friction,
 * incidents, the owner's confirmation, the next cycle's change), and a failing
 * drift or schema result it judged is marked with that decision's number.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_decisions', table => {
    table.text('readout').nullable().comment("A review's readout, as JSON");
  });
  await knex.schema.alterTable('handoff_check_results', table => {
    table
      .integer('reviewed_in')
      .nullable()
      .comment(
        'The review decision (sequence) that judged this failing result',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('handoff_decisions', table => {
    table.dropColumn('readout');
  });
  await knex.schema.alterTable('handoff_check_results', table => {
    table.dropColumn('reviewed_in');
  });
};
