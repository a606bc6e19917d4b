// @ts-check

/**
 * A reminder is claimed with a lease before it is sent and marked delivered
 * after: a claim whose send failed (or whose replica died) is taken again once
 * its lease has passed, so no reminder is lost and none is sent twice.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_review_reminders', table => {
    table
      .string('claim_id', 64)
      .nullable()
      .comment('Who holds the claim (a random id per sweep)');
    table
      .boolean('delivered')
      .notNullable()
      .defaultTo(true)
      .comment('False while claimed and not yet sent');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex('handoff_review_reminders').where({ delivered: false }).delete();
  await knex.schema.alterTable('handoff_review_reminders', table => {
    table.dropColumn('claim_id');
    table.dropColumn('delivered');
  });
};
