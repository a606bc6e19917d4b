// @ts-check

/**
 * Work items: the work a decision implies (take over, delivery work,
 * hardening, a review's next change, a breach), each row also the outbox
 * entry of its ticket in the engineering tracker. A row is written in the
 * transaction of the decision (or check result) that implies it; the
 * delivery worker files it afterwards, never inside that transaction.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('handoff_work_items', table => {
    table.comment(
      'Work items implied by decisions and breaches, and their tickets',
    );
    table.bigIncrements('id').primary();
    table
      .string('key', 700)
      .notNullable()
      .unique()
      .comment(
        'entity ref, decision or check, and source: the same work is never created twice',
      );
    table.string('entity_ref', 512).notNullable();
    table.string('source', 32).notNullable();
    table.integer('decision_sequence').nullable();
    table.string('cause', 512).nullable();
    table.text('spec_paths').nullable().comment('JSON list');
    table.text('title').notNullable();
    table.text('body').notNullable();
    table.string('assignee', 512).nullable();
    table.text('watchers').nullable().comment('JSON list of owner refs');
    table.timestamp('due_at', { useTz: true }).nullable();
    table.integer('spec_version').nullable();
    table.string('status', 16).notNullable();
    table.string('status_by', 512).notNullable();
    table.timestamp('status_at', { useTz: true }).notNullable();
    table.text('status_note').nullable();
    table
      .integer('revision')
      .notNullable()
      .comment(
        'Bumped by every change; the tracker has seen delivered_revision',
      );
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('tracker', 64).nullable();
    table.string('ticket_id', 256).nullable();
    table.text('ticket_url').nullable();
    table.integer('delivered_revision').notNullable().defaultTo(0);
    table.integer('delivery_attempts').notNullable().defaultTo(0);
    table.text('delivery_error').nullable();
    table.timestamp('delivery_next_at', { useTz: true }).nullable();
    table.string('delivery_claim', 64).nullable();
    table.timestamp('delivery_lease_until', { useTz: true }).nullable();
    table.timestamp('ticket_read_at', { useTz: true }).nullable();
    table.index(['entity_ref', 'id']);
    table.index(['delivered_revision', 'revision']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('handoff_work_items');
};
