export * from './client.ts';
export * from './flow.ts';
export type { Service, ServiceData, ServiceStorage } from './service.ts';
