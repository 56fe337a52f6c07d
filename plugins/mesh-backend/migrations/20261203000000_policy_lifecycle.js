// @ts-check

/**
 * The policy lifecycle's last known state: per configured policy repository what its last sync
 * read (kept through an SCM outage), and the lifecycle memory that tells `missing` from
 * `pending` and dates each state. A restarted backend, or another replica, computes the same
 * states from these and the fleet.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_policy_repository', table => {
    table.comment(
      'Last sync of each policy repository: status, branch files and pull requests',
    );
    table
      .string('url', 512)
      .primary()
      .notNullable()
      .comment('As configured: <host>?owner=<owner>&repo=<repo>');
    table
      .text('sync')
      .notNullable()
      .comment('Status, message, lastSyncAt, commit and etag as JSON');
    // longtext on MySQL; plain text on PostgreSQL and SQLite
    table
      .text('branch', 'longtext')
      .nullable()
      .comment('BranchSnapshot as JSON; null until the branch is first read');
    table
      .text('pull_requests', 'longtext')
      .notNullable()
      .comment('PolicyPullRequestRecord[] as JSON');
    table
      .bigInteger('updated_at')
      .notNullable()
      .comment('Epoch milliseconds of the last write, for replicas to notice');
  });
  await knex.schema.createTable('mesh_policy_lifecycle_memory', table => {
    table.comment('LifecycleMemory: one row');
    table.string('id', 32).primary().notNullable();
    table.text('memory', 'longtext').notNullable().comment('JSON');
    table.bigInteger('updated_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_policy_lifecycle_memory');
  await knex.schema.dropTable('mesh_policy_repository');
};
