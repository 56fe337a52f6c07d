import {
  computePolicyStates,
  createLifecycleCache,
  type LifecycleInput,
  type LifecycleResult,
} from '@meshport/backstage-plugin-mesh-policy';

/**
 * The computation the sync runs: mesh-policy's `computePolicyStates` with one cache for the
 * process (parsed branch files by commit and path, canonical live specs by object), so a new
 * fleet version costs the objects that changed rather than a parse of every rendered file.
 */
export function policyStatesComputation(): (
  input: LifecycleInput,
) => LifecycleResult {
  const cache = createLifecycleCache();
  return input => computePolicyStates(input, cache);
}
