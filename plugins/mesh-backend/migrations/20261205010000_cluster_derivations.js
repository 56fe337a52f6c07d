// @ts-check

/**
 * What the fleet derived from each stored inventory, stored beside it: a restarted replica
 * (or one picking up another's write) seeds its memo from it instead of deriving the
 * cluster again. A watched cluster's changes carry the change of the derivation too.
 * Either may be null (not stored, or a chain a change broke): the inventory is then derived.
 * The inventory's digest is stored too, so a load that uses the derivation never reads the
 * inventory's text.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mesh_cluster_state', table => {
    table
      .text('derivation', 'longtext')
      .nullable()
      .comment(
        'DerivationRecord as JSON (store/storedDerivation.ts) of the inventory written whole',
      );
    table
      .string('inventory_digest', 64)
      .nullable()
      .comment(
        'inventoryDigest of the inventory written whole: a load that needs only the derivation does not read the inventory',
      );
    table
      .string('derivation_key', 64)
      .nullable()
      .comment(
        'The format and aggregation options the derivation was made with: another key is not read',
      );
  });
  await knex.schema.alterTable('mesh_cluster_change', table => {
    table
      .text('derivation_change', 'longtext')
      .nullable()
      .comment('DerivationChange as JSON, or null when the change has none');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mesh_cluster_change', table => {
    table.dropColumn('derivation_change');
  });
  await knex.schema.alterTable('mesh_cluster_state', table => {
    table.dropColumn('derivation_key');
    table.dropColumn('inventory_digest');
    table.dropColumn('derivation');
  });
};
