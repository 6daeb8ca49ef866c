import { dingtalk } from './dingtalk.ts';
import { oauth } from './oauth.ts';
import { ones, onesIntercepted } from './ones.ts';
import type { BenchTarget } from './types.ts';
import { zentao } from './zentao.ts';

/** Every twin's hot endpoint. A new twin adds one line here. */
export const targets: BenchTarget[] = [dingtalk, zentao, ones, onesIntercepted, oauth];
