import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import type { Request } from 'express';

/** Checks a basic permission for the caller of a request. */
export type Authorize = (
  req: Request,
  permission: BasicPermission,
  /** What the permission lets the caller do, for the 403 message: `read mesh traffic`. */
  action: string,
) => Promise<BackstageCredentials>;

/**
 * The one authorization step of the mesh routes: credentials first (401 without them, from
 * httpAuth), then the permission, so nothing is read for a caller who may not see it.
 */
export function createAuthorize(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): Authorize {
  const { httpAuth, permissions } = options;
  return async (req, permission, action) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You are not allowed to ${action} (permission ${permission.name})`,
      );
    }
    return credentials;
  };
}
