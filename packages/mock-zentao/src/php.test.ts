import { describe, expect, it } from 'vitest';
import { ipAllowed } from './ip.ts';
import { httpBuildQuery, parseStr, queryToken, signedQuery, timeToken } from './php.ts';

const KEY = '3cd0914d656e90ab181f1d52ff352cfe';

describe("ZenTao's token, computed (never hard-coded in the twin)", () => {
  it("reproduces the doc's printed token only for its $query variable (m=chat…)", () => {
    expect(queryToken('m=chat&f=getChatUsers&code=myAppCode', KEY)).toBe('f5633c34c0c551a16c1d63bceb38d6a8');
    expect(queryToken('m=im&f=getChatUsers&code=myAppCode', KEY)).toBe('6611ac3952bcdeb4277274d081885dd2');
  });

  it.each([
    ['m=im&f=getGroupChats&code=myAppCode', '07a22de5b9c287eaaf5c04320fe48aba'],
    ['m=im&f=getChatUsers&gid=30683aea-7a1f-4ec8-a6d6-834e0310fd7d&code=myAppCode', '47b5ee6196ce02951e07b737509f1228'],
    ['m=im&f=sendNotification&code=myAppCode', '1547b22b788502aae7988973eb6d2e79'],
    ['m=im&f=sendChatMessage&code=myAppCode', '885451499b031367881b9a1d6274471f'],
  ])('gives the correct token for the doc URL %s', (q, token) => {
    expect(queryToken(q, KEY)).toBe(token);
  });

  it('signs md5(code + key + time) in the time variant', () => {
    expect(timeToken('myAppCode', KEY, '1700000000')).toMatch(/^[0-9a-f]{32}$/);
    expect(timeToken('myAppCode', KEY, '1700000000')).not.toBe(timeToken('myAppCode', KEY, '1700000001'));
  });
});

describe('PHP query handling', () => {
  it('drops the token wherever it stands and keeps the order sent', () => {
    expect(signedQuery('f=getChatUsers&token=abc&m=im&code=x')).toBe('f=getChatUsers&m=im&code=x');
  });

  it('re-encodes like http_build_query: spaces as +, ~ and ! escaped', () => {
    expect(signedQuery('m=im&q=a%20b&r=x+y&s=~!&code=c')).toBe('m=im&q=a+b&r=x+y&s=%7E%21&code=c');
  });

  it('keeps the first position and last value of a repeated key, and writes empty values as k=', () => {
    expect(httpBuildQuery(parseStr('a=1&b=2&a=3&c'))).toBe('a=3&b=2&c=');
  });

  it("turns dots and spaces in names into underscores, and builds arrays", () => {
    expect(httpBuildQuery(parseStr('a.b=1&x[]=p&x[]=q&y[k]=v'))).toBe('a_b=1&x%5B0%5D=p&x%5B1%5D=q&y%5Bk%5D=v');
  });

  it('survives malformed escapes', () => {
    expect(signedQuery('m=im&q=%E0%A4%A&code=c')).toBe('m=im&q=%25E0%25A4%25A&code=c');
  });
});

describe('IP whitelist', () => {
  it.each([
    ['*', '8.8.8.8', true],
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['10.0.0.1,127.0.0.1', '127.0.0.1', true],
    ['192.168.1.*', '192.168.1.77', true],
    ['192.168.1.*', '192.168.2.77', false],
    ['10.0.0.1-10.0.0.9', '10.0.0.5', true],
    ['10.0.0.1-10.0.0.9', '10.0.0.10', false],
    ['10.1.0.0/16', '10.1.200.3', true],
    ['10.1.0.0/16', '10.2.0.3', false],
    ['', '127.0.0.1', false],
    ['::1', '::1', true],
  ])('%s allows %s: %s', (list, ip, ok) => {
    expect(ipAllowed(list, ip)).toBe(ok);
  });
});
