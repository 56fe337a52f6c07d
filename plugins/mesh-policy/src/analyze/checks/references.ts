import type { Check } from '../types';

/** MESH1xx — references: hosts, subsets, gateways, principals, namespaces that do not exist where they are used. */
export const referenceChecks: Check[] = [];
