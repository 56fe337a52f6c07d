export { MeshConfigCard } from './MeshConfigCard';
