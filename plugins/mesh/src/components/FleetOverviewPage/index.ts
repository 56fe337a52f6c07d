export { FleetOverview, FleetOverviewPage } from './FleetOverviewPage';
