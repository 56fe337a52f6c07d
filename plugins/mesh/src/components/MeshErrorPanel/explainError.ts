import { meshFleetReadPermission } from '@meshport/backstage-plugin-mesh-common';

/** What went wrong, and what the user can do about it. */
export interface ErrorExplanation {
  title: string;
  hint: string;
}

function statusOf(error: Error): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Turns a failed call to the mesh backend into advice. `what` names the thing being
 * loaded ("service bookinfo/reviews").
 */
export function explainError(error: Error, what: string): ErrorExplanation {
  const status = statusOf(error);
  if (error.name === 'MalformedFleetError') {
    return {
      title: `The mesh backend's answer for ${what} is not one this page can read`,
      hint: 'The mesh backend and this frontend plugin are probably of different versions: upgrade the Meshport plugins together. The message below says what is wrong.',
    };
  }
  if (status === 401 || status === 403) {
    return {
      title: `You may not read ${what}`,
      hint: `Reading the mesh needs the permission ${meshFleetReadPermission.name}; ask an administrator to grant it in the permission policy.`,
    };
  }
  if (status === 404) {
    return {
      title: `Meshport does not know ${what}`,
      hint: 'Check that the namespace and name match a Kubernetes Service in one of the clusters Meshport reads, and that the cluster has synced (see the fleet overview).',
    };
  }
  if (status === 400) {
    return {
      title: `The mesh backend refused the request for ${what}`,
      hint: 'The request was malformed; the message below says which part.',
    };
  }
  if (status !== undefined && status >= 500) {
    return {
      title: `The mesh backend failed while loading ${what}`,
      hint: 'Look at the backend logs of the mesh plugin for the cause, then retry.',
    };
  }
  return {
    title: `Could not reach the mesh backend to load ${what}`,
    hint: 'Is @meshport/backstage-plugin-mesh-backend installed in packages/backend and the backend running? Retry once it is.',
  };
}
