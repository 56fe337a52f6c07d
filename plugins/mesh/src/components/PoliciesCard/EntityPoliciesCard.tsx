import { useEntity } from '@backstage/plugin-catalog-react';
import { resolveMeshServiceRef } from '../../entity/meshServiceRef';
import { LegacyPoliciesLinks, PoliciesLinks } from '../Policies';
import { PoliciesCard } from './PoliciesCard';

/**
 * The entity's service's Policies card, for placing on the entity overview. Renders nothing for
 * an entity that names no mesh service: the Mesh tab explains the annotation.
 */
const EntityPoliciesCardContent = () => {
  const { entity } = useEntity();
  const resolved = resolveMeshServiceRef(entity);
  return 'ref' in resolved ? <PoliciesCard service={resolved.ref} /> : null;
};

/** New frontend system: linked to the Policies page when the app has it. */
export const EntityPoliciesCard = () => (
  <PoliciesLinks>
    <EntityPoliciesCardContent />
  </PoliciesLinks>
);

/** Legacy apps: linked to the Policies page when MeshPoliciesPage is mounted. */
export const LegacyEntityPoliciesCard = () => (
  <LegacyPoliciesLinks>
    <EntityPoliciesCardContent />
  </LegacyPoliciesLinks>
);
