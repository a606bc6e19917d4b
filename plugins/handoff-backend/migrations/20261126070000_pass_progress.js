// @ts-check

/**
 * Where an unfinished full spec pass stopped (the catalog's page cursor), so
 * the next run, on any replica, goes on from there instead of starting over:
 * a pass is cut into runs that each fit well inside the task's timeout.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('handoff_pass_progress', table => {
    table.string('pass', 64).primary().comment('Which pass');
    table
      .text('cursor')
      .notNullable()
      .comment("The catalog's next-page cursor");
    table
      .timestamp('started_at', { useTz: true })
      .notNullable()
      .comment('When the unfinished pass started');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .comment('When the cursor was last saved');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('handoff_pass_progress');
};
