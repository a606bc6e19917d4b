// @ts-check

/**
 * A drift or schema breach is one state: "review required", set while the
 * latest result of a drift or schema check fails, carried by the audit's state
 * and projection so it is its own gap.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table
        .boolean('review_required')
        .notNullable()
        .defaultTo(false)
        .comment('A drift or schema check fails: a review is required');
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const name of ['handoff_capability_state', 'handoff_entities']) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('review_required');
    });
  }
};
