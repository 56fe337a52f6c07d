export { MetricsStatusNotice } from './MetricsStatusNotice';
export { describeMetricsStatus } from './describeMetricsStatus';
