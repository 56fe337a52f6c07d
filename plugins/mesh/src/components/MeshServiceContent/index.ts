export { MeshServiceContent } from './MeshServiceContent';
