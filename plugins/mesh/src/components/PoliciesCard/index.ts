export { PoliciesCard } from './PoliciesCard';
