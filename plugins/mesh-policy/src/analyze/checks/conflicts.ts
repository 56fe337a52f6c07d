import type { Check } from '../types';
import { severalDestinationRulesForOneHost } from './conflicts/destinationRules';
import { handEditedManagedObject } from './conflicts/drift';
import { overlappingSelectors } from './conflicts/selectors';
import { shadowedRoute } from './conflicts/shadowedRoutes';
import {
  severalVirtualServicesForOneHost,
  virtualServicesDifferAcrossClusters,
} from './conflicts/virtualServices';

/** MESH2xx — conflicts: several objects for one host, shadowed routes, overlapping selectors, hand-edited managed objects. */
export const conflictChecks: Check[] = [
  severalVirtualServicesForOneHost,
  severalDestinationRulesForOneHost,
  shadowedRoute,
  overlappingSelectors,
  handEditedManagedObject,
  virtualServicesDifferAcrossClusters,
];
