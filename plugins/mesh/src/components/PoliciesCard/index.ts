export { PoliciesCard } from './PoliciesCard';
export {
  EntityPoliciesCard,
  LegacyEntityPoliciesCard,
} from './EntityPoliciesCard';
