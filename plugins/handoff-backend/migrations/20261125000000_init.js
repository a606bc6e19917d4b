// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('handoff_decisions', table => {
    table.comment(
      'Append-only history of readiness decisions; the current stage of an entity is the to_stage of its highest sequence',
    );
    table.bigIncrements('id').primary().comment('Surrogate key');
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment(
        'The catalog entity the decision is about, as a full entity ref',
      );
    table
      .integer('sequence')
      .notNullable()
      .comment(
        '1, 2, 3, ... per entity; unique, so concurrent writers cannot both append',
      );
    table
      .string('decision', 64)
      .notNullable()
      .comment(
        'start-review, harden, hand-off, operate, reframe, stop, or register',
      );
    table
      .string('from_stage', 64)
      .nullable()
      .comment('Stage before the decision');
    table
      .string('to_stage', 64)
      .notNullable()
      .comment('Stage after the decision');
    table
      .string('actor', 512)
      .notNullable()
      .comment('Entity ref of who decided');
    table
      .text('rationale')
      .notNullable()
      .comment("Why, in the decider's words");
    table
      .timestamp('next_review_at', { useTz: true })
      .nullable()
      .comment('When the capability is next due for review');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now())
      .comment('When the decision was recorded');
    table.unique(['entity_ref', 'sequence']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('handoff_decisions');
};
