// @ts-check

/**
 * Incremental spec reads: what identified the version read last (a url's
 * ETag, a file's size, time and inode) and the catalog entity's etag then, so
 * an unchanged spec of an unchanged entity costs no read and no write.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('handoff_spec_reads', table => {
    table.text('etag').nullable().comment('The ETag of the last url: read');
    table
      .text('file_stamp')
      .nullable()
      .comment('Size, modification time and inode of the last file: read');
    table
      .text('entity_etag')
      .nullable()
      .comment("The catalog entity's etag when its spec was last read");
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('handoff_spec_reads', table => {
    table.dropColumn('etag');
    table.dropColumn('file_stamp');
    table.dropColumn('entity_etag');
  });
};
