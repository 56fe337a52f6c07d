import type { Theme } from '@material-ui/core/styles';
import type { ClusterLinkKind } from '@meshport/backstage-plugin-mesh-common';
import type { ClusterHealth } from './layoutFleetPicture';

/** How each kind of link is drawn: the dash pattern carries the meaning, colour repeats it. */
export const LINK_DASH: Record<ClusterLinkKind, string | undefined> = {
  'shared-endpoint-discovery': undefined,
  'gateway-federation': '9 5',
  'linkerd-multicluster': '2 4',
};

export function linkColor(theme: Theme, kind: ClusterLinkKind): string {
  switch (kind) {
    case 'shared-endpoint-discovery':
      return theme.palette.primary.main;
    case 'gateway-federation':
      return theme.palette.secondary.main;
    default:
      return theme.palette.info.main;
  }
}

export function healthColor(theme: Theme, health: ClusterHealth): string {
  switch (health) {
    case 'ok':
      return theme.palette.success.main;
    case 'stale':
      return theme.palette.warning.main;
    default:
      return theme.palette.error.main;
  }
}

/** A shape beside the state's words, so the state reads without colour too. */
export const HEALTH_MARK: Record<ClusterHealth, string> = {
  ok: '●',
  stale: '▲',
  'never-synced': '✕',
};
