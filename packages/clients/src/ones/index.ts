export * from './client.ts';
export * from './plugin.ts';
