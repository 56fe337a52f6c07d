export * from './types';
export * from './requestMarker';
