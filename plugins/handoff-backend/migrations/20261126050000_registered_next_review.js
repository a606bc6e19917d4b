// @ts-check

/**
 * A capability that joins Handoff with a review date of its own (the
 * `handoff.dev/next-review` annotation): the projection keeps it, and the
 * audit shows the earlier of it and the first cadence until a decision is
 * recorded.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_entities', table => {
    table
      .timestamp('registered_next_review', { useTz: true })
      .nullable()
      .comment('The handoff.dev/next-review annotation, when it is a date');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('handoff_entities', table => {
    table.dropColumn('registered_next_review');
  });
};
