export { FleetOverviewPage } from './FleetOverviewPage';
