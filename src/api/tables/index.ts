/** Server-side Table printing. */
export * from './table.js';
export * from './types.js';
export { humanDuration, translateTimestampSince } from './duration.js';
export { printPod } from './pods.js';
export * from './printers.js';
