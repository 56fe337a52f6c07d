export { TracePanel, useDefaultCaller } from './TracePanel';
export type { DefaultCallerState } from './TracePanel';
