export { RequestButtons } from './RequestButtons';
