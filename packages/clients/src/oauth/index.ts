export * from './client.ts';
export * from './flow.ts';
export * from './store.ts';
