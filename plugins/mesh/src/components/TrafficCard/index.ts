export { TrafficCard } from './TrafficCard';
export { WindowSelect, WINDOWS } from './WindowSelect';
