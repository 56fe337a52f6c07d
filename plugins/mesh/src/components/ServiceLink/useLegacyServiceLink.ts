import { useRouteRef as useLegacyRouteRef } from '@backstage/core-plugin-api';
import { legacyServiceRouteRef } from '../../routes';

/** Legacy apps: the service page's route, or undefined when the app did not mount it. */
export function useLegacyServiceLink() {
  try {
    return useLegacyRouteRef(legacyServiceRouteRef);
  } catch {
    // The app did not mount MeshServicePage: show names without links rather than fail.
    return undefined;
  }
}
