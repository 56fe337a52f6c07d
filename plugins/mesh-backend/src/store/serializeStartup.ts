import type { DatabaseService } from '@backstage/backend-plugin-api';

const LOCK_NAME = 'meshport:mesh-backend:startup';
const LOCK_TIMEOUT = '60s';

/**
 * Runs `fn` while holding a PostgreSQL advisory lock, so replicas starting at the same
 * moment on a fresh database take turns. Knex creates its migration bookkeeping
 * (`knex_migrations_lock` and the scheduler's `backstage_backend_tasks__knex_migrations_lock`)
 * with check-then-create: two replicas racing both insert a lock row, and from then on every
 * start fails with "Migration table is already locked" until someone cleans the table by
 * hand. Whatever creates tables on start — this plugin's migrations and its first
 * scheduled task — belongs inside `fn`.
 *
 * The lock is transaction-scoped: a replica that dies while holding it releases it with its
 * connection. SQLite is one process by nature; other clients run `fn` as is.
 */
export async function serializeStartup<T>(
  database: DatabaseService,
  fn: () => Promise<T>,
): Promise<T> {
  const knex = await database.getClient();
  if (!String(knex.client.config.client).includes('pg')) return fn();
  return knex.transaction(async trx => {
    await trx.raw(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    try {
      await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [LOCK_NAME]);
    } catch (error) {
      throw new Error(
        `Another mesh backend replica held the startup lock for over ${LOCK_TIMEOUT}; ` +
          `check for a replica stuck in its database migrations (${
            (error as Error).message
          })`,
      );
    }
    return fn();
  });
}
