export * from './admin/index.ts';
export * from './dingtalk/index.ts';
export { type FetchLike, type Result, unwrap } from './http.ts';
export * from './ones/index.ts';
export * from './oauth/index.ts';
export * from './zentao/index.ts';
