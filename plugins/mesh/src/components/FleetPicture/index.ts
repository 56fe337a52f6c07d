export { FleetPicture, FleetLegend } from './FleetPicture';
export type { FleetPictureProps } from './FleetPicture';
export {
  LINK_KIND_LABEL,
  HEALTH_LABEL,
  HEALTH_LEGEND,
} from './layoutFleetPicture';
