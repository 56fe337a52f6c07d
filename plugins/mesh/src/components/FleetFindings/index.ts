export { FleetFindings } from './FleetFindings';
