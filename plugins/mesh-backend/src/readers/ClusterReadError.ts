import type { ClusterErrorReason } from '@meshport/backstage-plugin-mesh-common';

/** A cluster read failed for a reason the fleet reports; the message never holds credentials. */
export class ClusterReadError extends Error {
  readonly name = 'ClusterReadError';

  constructor(readonly reason: ClusterErrorReason, message: string) {
    super(message);
  }
}
