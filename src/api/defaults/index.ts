/** Defaulting for core kinds: see pod.ts, namespace.ts, quantity.ts. */
export * from './pod.js';
export * from './namespace.js';
export * from './quantity.js';
