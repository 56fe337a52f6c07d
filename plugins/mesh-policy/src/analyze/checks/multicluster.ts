import type { Check } from '../types';
import { gatewayWithoutPassthroughCheck } from './multicluster/gatewayWithoutPassthrough';
import { inconsistentServiceCheck } from './multicluster/inconsistentService';
import { injectionDiffersCheck } from './multicluster/injectionDiffers';
import { missingRemoteSecretCheck } from './multicluster/missingRemoteSecret';
import { networkWithoutGatewayCheck } from './multicluster/networkWithoutGateway';

/** MESH4xx — multi-cluster: one service differing between clusters, east-west gateways, remote secrets, injection. */
export const multiclusterChecks: Check[] = [
  inconsistentServiceCheck,
  networkWithoutGatewayCheck,
  gatewayWithoutPassthroughCheck,
  missingRemoteSecretCheck,
  injectionDiffersCheck,
];
