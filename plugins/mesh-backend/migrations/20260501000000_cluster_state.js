// @ts-check

/**
 * Last-known-good state per cluster: a restarted backend (or another replica) serves the
 * fleet from here before discovery has run.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_cluster_state', table => {
    table.comment(
      'Last-known-good discovery result and sync status per cluster',
    );
    table.string('cluster', 255).primary().notNullable();
    table.text('sync').notNullable().comment('ClusterSyncStatus as JSON');
    // longtext on MySQL; plain text on PostgreSQL and SQLite
    table
      .text('inventory', 'longtext')
      .nullable()
      .comment(
        'ClusterInventory as JSON; null until the first successful sync',
      );
    table
      .bigInteger('updated_at')
      .notNullable()
      .comment(
        'Epoch milliseconds of the last write, for replicas to notice changes',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_cluster_state');
};
