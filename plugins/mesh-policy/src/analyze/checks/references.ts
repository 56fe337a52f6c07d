import type { Check } from '../types';
import { destinationHostNotFound } from './references/destinationHost';
import { gatewayNotFound } from './references/gateways';
import { namespaceOrServiceNotFound } from './references/namespaces';
import { principalMatchesNothing } from './references/principals';
import { routeSubsetNotFound } from './references/routeSubset';
import { subsetMatchesNoPod } from './references/subsetLabels';
import { subsetMissingWhereTrafficLands } from './references/subsetWhereTrafficLands';

/**
 * MESH1xx — references: hosts, subsets, gateways, principals and namespaces that config names
 * but that do not exist where the client is, or where its traffic lands.
 */
export const referenceChecks: Check[] = [
  destinationHostNotFound,
  routeSubsetNotFound,
  gatewayNotFound,
  subsetMatchesNoPod,
  subsetMissingWhereTrafficLands,
  principalMatchesNothing,
  namespaceOrServiceNotFound,
];
