// @ts-check

/**
 * The flow figures' facts (`flowEvents` in the common package): each
 * capability's rewritten in the transaction of every write to its trail, so
 * `GET /flow` counts them in SQL instead of reading every trail. The plugin
 * fills the table at start when it is empty; a change to what a fact means
 * ships as a migration that empties it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('handoff_flow_events', table => {
    table.comment('Facts of each capability trail that the flow figures count');
    table.bigIncrements('id');
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('The capability, lower case');
    table.string('kind', 32).notNullable();
    table.string('stage', 32).nullable();
    table.string('tier', 16).nullable().comment('Its risk tier now');
    table
      .bigInteger('at')
      .notNullable()
      .comment('Epoch milliseconds that place the fact in a window');
    table.bigInteger('end_at').nullable();
    table.integer('tenths').nullable().comment('A duration, in tenths of days');
    table.integer('working_days').nullable();
    table.boolean('flag').notNullable().defaultTo(false);
    table
      .string('trail_ref', 512)
      .nullable()
      .comment('On the one trail row: the ref as its trail spells it');
    table.index(['entity_ref'], 'handoff_flow_events_entity_idx');
    // Covering: a window's counts read the index alone.
    table.index(
      [
        'kind',
        'at',
        'stage',
        'tier',
        'tenths',
        'working_days',
        'flag',
        'end_at',
      ],
      'handoff_flow_events_window_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('handoff_flow_events');
};
