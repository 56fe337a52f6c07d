export { TracePanel } from './TracePanel';
export { TraceDiagram } from './TraceDiagram';
