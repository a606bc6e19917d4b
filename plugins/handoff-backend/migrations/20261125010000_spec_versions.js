// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('handoff_spec_versions', table => {
    table.comment(
      'Every distinct version of the handoff.yaml of each entity, valid or not; never updated except last_seen_at',
    );
    table.bigIncrements('id').primary();
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('The catalog entity the spec belongs to');
    table
      .integer('version')
      .notNullable()
      .comment('1, 2, 3, ... per entity, in the order first seen');
    table
      .string('content_hash', 64)
      .notNullable()
      .comment('sha256 of the file content');
    table.text('content').notNullable().comment('The file as read');
    table
      .text('document')
      .nullable()
      .comment('The parsed YAML as JSON, when it parsed at all');
    table
      .boolean('valid')
      .notNullable()
      .comment('Whether it passed the schema');
    table
      .text('errors')
      .notNullable()
      .comment('JSON list of {path, message, line, column}');
    table
      .text('source_location')
      .notNullable()
      .comment('Where it was read from (file: or url:)');
    table
      .text('entity_state')
      .notNullable()
      .comment(
        'JSON snapshot of the catalog entity when first seen (etag, owner, lifecycle)',
      );
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.unique(['entity_ref', 'version']);
  });

  await knex.schema.createTable('handoff_spec_reads', table => {
    table.comment(
      'The outcome of the latest attempt to read the spec of each entity',
    );
    table.string('entity_ref', 512).primary();
    table.text('source_location').nullable();
    table
      .text('read_error')
      .nullable()
      .comment('Why the file could not be read, if it could not');
    table.timestamp('read_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('handoff_spec_reads');
  await knex.schema.dropTable('handoff_spec_versions');
};
