// @ts-check

/**
 * Discovery split between replicas: each live replica heartbeats a row, and each cluster is
 * read by the replica holding its lease. Times are the database's clock in epoch
 * milliseconds, so replicas with skewed clocks still agree on what has expired.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_discovery_replica', table => {
    table.comment('Mesh backend replicas taking part in discovery');
    table.string('replica', 255).primary().notNullable();
    table
      .bigInteger('expires_at')
      .notNullable()
      .comment('Database epoch milliseconds after which the replica is dead');
  });
  await knex.schema.createTable('mesh_discovery_lease', table => {
    table.comment('Which replica discovers each cluster, and until when');
    table.string('cluster', 255).primary().notNullable();
    table
      .string('holder', 255)
      .nullable()
      .comment('The replica holding the lease; null when released');
    table
      .bigInteger('expires_at')
      .notNullable()
      .comment('Database epoch milliseconds after which anyone may claim it');
    table.index(['holder'], 'mesh_discovery_lease_holder_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_discovery_lease');
  await knex.schema.dropTable('mesh_discovery_replica');
};
