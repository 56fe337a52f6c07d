export { FleetOverview, FleetOverviewPage } from './FleetOverviewPage';
export { FleetOverviewContent, LegacyFleetOverviewPage } from './linkedPages';
