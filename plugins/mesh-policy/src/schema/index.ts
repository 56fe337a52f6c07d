export * from './common';
export * from './trafficPolicy';
export * from './accessPolicy';
export * from './virtualDestination';
export * from './policy';
