export { resolveSettings, StartError, startAll, table } from './start.ts';
export { twins } from './twins.ts';
export * from './verify/index.ts';
