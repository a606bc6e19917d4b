// @ts-check

/**
 * Approvals are bound to who the role pointed to when they were given (the
 * accountable owner, or the compliance approver groups) and to the spec
 * version they saw, so a changed owner voids them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_approvals', table => {
    table
      .string('role_ref', 2048)
      .nullable()
      .comment(
        'The accountable owner or the compliance groups the role pointed to',
      );
    table
      .integer('spec_version')
      .nullable()
      .comment('The spec version the approver saw');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('handoff_approvals', table => {
    table.dropColumn('role_ref');
    table.dropColumn('spec_version');
  });
};
