import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  lifecycleFindings,
  type AnalysisResult,
} from '@meshport/backstage-plugin-mesh-policy';
import type { ServiceAccess } from '../service/ServiceEntityAccess';
import type { FleetStore } from '../store/FleetStore';
import type { PolicyLifecycleSync } from './PolicyLifecycleSync';
import { policyVisibility } from './router';

/**
 * The lifecycle's findings (rejected, drifted, missing, orphans) for one caller, to list beside
 * the analysis findings. Those about a policy name its destinations, and `/findings` filters
 * them as any finding; an orphan names no service, so it is kept only in a namespace the caller
 * may read, as `/policies` shows orphans. A failure of the lifecycle becomes a note: the
 * analysis findings are still served.
 */
export function lifecycleFindingsFor(options: {
  policies: PolicyLifecycleSync;
  fleetStore: FleetStore;
  serviceAccess: ServiceAccess;
  logger: LoggerService;
}): (credentials: BackstageCredentials) => Promise<AnalysisResult> {
  const { policies, fleetStore, serviceAccess, logger } = options;
  return async credentials => {
    try {
      const { fleet, result } = await policies.current();
      const orphans =
        result.orphans.length === 0
          ? []
          : result.orphans.filter(
              (await policyVisibility(credentials, fleetStore, serviceAccess))
                .orphan,
            );
      return {
        findings: lifecycleFindings({ ...result, orphans }, fleet),
        notes: [],
      };
    } catch (error) {
      logger.warn(
        `Could not list the policy lifecycle's findings: ${
          (error as Error).message
        }`,
      );
      return {
        findings: [],
        notes: [
          `Findings about the policies' lifecycle (MESH801–MESH804) are missing: ${
            (error as Error).message
          }`,
        ],
      };
    }
  };
}
