// @ts-check

/**
 * Check credentials: tokens scoped to one capability's check results. Only a
 * SHA-256 hash of each token is kept (the token is shown once); revoked and
 * expired ones stay listed.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('handoff_check_credentials', table => {
    table.comment('Tokens that post check results for one capability');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 512).notNullable();
    table.string('name', 100).notNullable();
    table.string('token_hash', 64).notNullable().unique();
    table.string('prefix', 16).notNullable();
    table.string('created_by', 512).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('last_used_at', { useTz: true }).nullable();
    table.string('revoked_by', 512).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.index(['entity_ref', 'id']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('handoff_check_credentials');
};
