// @ts-check

/**
 * A full spec pass keeps its progress per spec, not per page: the specs of
 * the current page already read (so a run cut short mid-page, by a hanging
 * host say, never reads them again), and the first page is saved too (its
 * cursor is empty).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_pass_progress', table => {
    table
      .text('done_in_page')
      .nullable()
      .comment(
        "JSON list of the refs of the cursor's page already read in this pass; the cursor is empty for the first page",
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('handoff_pass_progress', table => {
    table.dropColumn('done_in_page');
  });
};
