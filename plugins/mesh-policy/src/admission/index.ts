import type { MeshResource } from '../translate/resources';
import { validateAuthorizationPolicy } from './authorizationPolicy';
import { validateDestinationRule } from './destinationRule';
import { validateGateway } from './gateway';
import type { Finding } from './rules';
import { validateServiceEntry } from './serviceEntry';
import { validateVirtualService } from './virtualService';

export type { Finding } from './rules';

/**
 * What Istio's validating admission webhook (istiod's `pkg/config/validation`, registered per
 * kind with `RegisterValidateFunc`) answers for a rendered object: errors make the API server
 * reject it, so GitOps would never apply it; warnings are printed by kubectl and accepted.
 * Objects of other API groups (Linkerd, Gateway API) are not Istio's to validate: none.
 */
export function admissionFindings(r: MeshResource): Finding[] {
  const group = r.apiVersion.split('/')[0];
  const { name, namespace } = r.metadata;
  if (group === 'networking.istio.io') {
    switch (r.kind) {
      case 'VirtualService':
        return validateVirtualService(r.spec).list;
      case 'DestinationRule':
        return validateDestinationRule(r.spec).list;
      case 'ServiceEntry':
        return validateServiceEntry(r.spec).list;
      case 'Gateway':
        return validateGateway(name, r.spec).list;
      default:
        return [];
    }
  }
  if (group === 'security.istio.io' && r.kind === 'AuthorizationPolicy')
    return validateAuthorizationPolicy(name, namespace, r.spec).list;
  return [];
}
