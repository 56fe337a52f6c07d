export { FindingsCard } from './FindingsCard';
export { FindingItem, FindingList, describeObject } from './FindingItem';
export { SeverityLabel } from './SeverityLabel';
export { countBy, describeCounts, sortFindings } from './sortFindings';
