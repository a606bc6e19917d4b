// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_decisions', table => {
    table
      .integer('spec_version')
      .nullable()
      .comment('The spec version the decision judged');
    table
      .text('gate')
      .nullable()
      .comment('JSON gate result at the moment of the decision');
    table
      .text('exception_justification')
      .nullable()
      .comment('Set when an unmet gate was overridden');
  });

  await knex.schema.createTable('handoff_approvals', table => {
    table.comment(
      'Approvals of a pending transition; they count only while the stage is unchanged',
    );
    table.bigIncrements('id').primary();
    table.string('entity_ref', 512).notNullable();
    table
      .integer('decision_sequence')
      .notNullable()
      .comment('Sequence of the latest decision when approved');
    table
      .string('decision', 64)
      .notNullable()
      .comment('The decision being approved, e.g. hand-off');
    table.string('role', 32).notNullable().comment('accountable or compliance');
    table.string('approver', 512).notNullable();
    table.text('comment').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.unique(['entity_ref', 'decision_sequence', 'decision', 'role']);
  });

  await knex.schema.createTable('handoff_transfers', table => {
    table.comment('Ownership transfers created by hand-off decisions');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 512).notNullable();
    table
      .integer('decision_sequence')
      .notNullable()
      .comment('Sequence of the hand-off decision');
    table
      .string('to_owner', 512)
      .notNullable()
      .comment('The receiving operating owner');
    table.string('status', 16).notNullable().comment('pending or accepted');
    table.string('accepted_by', 512).nullable();
    table.timestamp('accepted_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.unique(['entity_ref', 'decision_sequence']);
  });

  await knex.schema.createTable('handoff_check_results', table => {
    table.comment(
      'Check results posted by CI and data pipelines; every result is kept',
    );
    table.bigIncrements('id').primary();
    table.string('entity_ref', 512).notNullable();
    table.string('name', 128).notNullable();
    table
      .string('kind', 32)
      .notNullable()
      .comment('drift, schema, test, quality or other');
    table.string('status', 8).notNullable().comment('pass or fail');
    table.double('value').nullable();
    table.text('details').nullable();
    table.text('link').nullable();
    table
      .string('reporter', 512)
      .notNullable()
      .comment('The service or user that posted it');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['entity_ref', 'name', 'id']);
  });

  await knex.schema.createTable('handoff_audit_log', table => {
    table.comment(
      'Append-only trail of every write: who, when, what, before and after',
    );
    table.bigIncrements('id').primary();
    table.string('entity_ref', 512).notNullable();
    table.string('actor', 512).notNullable();
    table.string('action', 64).notNullable();
    table.text('before').nullable().comment('JSON state before the write');
    table.text('after').nullable().comment('JSON state after the write');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['entity_ref', 'id']);
  });

  await knex.schema.createTable('handoff_review_reminders', table => {
    table.comment(
      'One row per overdue review reminded, so each period is reminded once per cluster',
    );
    table.string('entity_ref', 512).notNullable();
    table
      .timestamp('due_at', { useTz: true })
      .notNullable()
      .comment('The review date that passed');
    table.timestamp('sent_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'due_at']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('handoff_review_reminders');
  await knex.schema.dropTable('handoff_audit_log');
  await knex.schema.dropTable('handoff_check_results');
  await knex.schema.dropTable('handoff_transfers');
  await knex.schema.dropTable('handoff_approvals');
  await knex.schema.alterTable('handoff_decisions', table => {
    table.dropColumn('spec_version');
    table.dropColumn('gate');
    table.dropColumn('exception_justification');
  });
};
