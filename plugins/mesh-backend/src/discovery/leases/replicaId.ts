import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * This process's name among the replicas sharing the database: the host (a pod's name on
 * Kubernetes) for whoever reads the leases, and a random part so a restarted process never
 * mistakes its predecessor's leases for its own.
 */
export function replicaId(): string {
  return `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
}
