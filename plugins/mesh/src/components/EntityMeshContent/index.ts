export {
  EntityMeshContent,
  LegacyEntityMeshContent,
  LinkedEntityMeshContent,
} from './EntityMeshContent';
