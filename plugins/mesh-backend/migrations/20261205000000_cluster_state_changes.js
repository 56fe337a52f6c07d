// @ts-check

/**
 * A watched cluster's changes, written as they come instead of its whole inventory: each row
 * turns the inventory stored in `mesh_cluster_state` (or the one before it) into the next.
 * A whole inventory written for the cluster deletes its changes.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_cluster_change', table => {
    table.comment(
      'Changes to the stored inventory of a cluster since it was written whole',
    );
    table.bigIncrements('id').primary().comment('Applied in this order');
    table.string('cluster', 255).notNullable();
    table
      .text('change', 'longtext')
      .notNullable()
      .comment('InventoryChange as JSON (store/inventoryChange.ts)');
    table.index(['cluster'], 'mesh_cluster_change_cluster_idx');
  });
  await knex.schema.alterTable('mesh_cluster_state', table => {
    table
      .string('writer', 64)
      .nullable()
      .comment(
        'The repository instance that wrote the row last: a change applies only to its own write',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mesh_cluster_state', table => {
    table.dropColumn('writer');
  });
  await knex.schema.dropTable('mesh_cluster_change');
};
