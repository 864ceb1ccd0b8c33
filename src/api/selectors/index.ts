/** Label and field selectors. */
export * from './labels.js';
export * from './fields.js';
export * from './adapter.js';
