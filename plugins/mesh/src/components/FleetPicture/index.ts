export { FleetPicture } from './FleetPicture';
export type { FleetPictureProps } from './FleetPicture';
export { FleetLegend } from './FleetLegend';
export {
  LINK_KIND_LABEL,
  HEALTH_LABEL,
  HEALTH_LEGEND,
} from './layoutFleetPicture';
