import { describe, expect, it } from 'vitest';
import { GITHUB_BOT, SUSPENDED_APP } from './fixtures.ts';
import { callbackAllows, redirectAllowed, withParams } from './redirect.ts';

describe('callbackAllows: GitHub’s redirect_uri rule', () => {
  const cb = 'https://app.example:8443/github/oauth';

  it('allows the callback itself and paths below it', () => {
    expect(callbackAllows(cb, cb)).toBe(true);
    expect(callbackAllows(cb, `${cb}/done`)).toBe(true);
    expect(callbackAllows(cb, `${cb}?x=1`)).toBe(true);
    expect(callbackAllows(`${cb}/`, cb)).toBe(true);
    expect(callbackAllows(`${cb}/`, `${cb}/deeper`)).toBe(true);
    expect(callbackAllows('https://app.example/', 'https://app.example/anything')).toBe(true);
  });

  it('refuses siblings, parents, other schemes, hosts and ports', () => {
    expect(callbackAllows(cb, `${cb}x`)).toBe(false);
    expect(callbackAllows(cb, 'https://app.example:8443/github')).toBe(false);
    expect(callbackAllows(cb, 'http://app.example:8443/github/oauth')).toBe(false);
    expect(callbackAllows(cb, 'https://evil.example:8443/github/oauth')).toBe(false);
    expect(callbackAllows(cb, 'https://app.example:9443/github/oauth')).toBe(false);
    expect(callbackAllows(cb, 'https://app.example/github/oauth')).toBe(false);
  });

  it('refuses any redirect_uri with a fragment, even an empty one (RFC 6749 §3.1.2)', () => {
    expect(callbackAllows(cb, `${cb}#x`)).toBe(false);
    expect(callbackAllows(cb, `${cb}#`)).toBe(false);
    expect(callbackAllows(cb, `${cb}/done?x=1#y`)).toBe(false);
  });

  it('on loopback hosts any port will do', () => {
    expect(callbackAllows('http://127.0.0.1/cb', 'http://127.0.0.1:54321/cb')).toBe(true);
    expect(callbackAllows('http://localhost:3000/cb', 'http://localhost:4000/cb')).toBe(true);
    expect(callbackAllows('http://[::1]:1/cb', 'http://[::1]:2/cb')).toBe(true);
    expect(callbackAllows('http://127.0.0.1/cb', 'http://localhost:1/cb')).toBe(false);
  });

  it('refuses what is not a URL, on either side', () => {
    expect(callbackAllows('not a url', cb)).toBe(false);
    expect(callbackAllows(cb, '/github/oauth')).toBe(false);
  });
});

describe('redirectAllowed', () => {
  it('allows what any registered callback allows', () => {
    expect(redirectAllowed(GITHUB_BOT, 'http://127.0.0.1:9/github/oauth/x')).toBe(true);
    expect(redirectAllowed(SUSPENDED_APP, 'http://127.0.0.1:9/github/oauth/x')).toBe(false);
  });
});

describe('withParams', () => {
  it('appends the defined parameters to the target’s query, keeping what it had', () => {
    expect(withParams('http://app.example/cb?a=1', { code: 'c d', state: undefined, x: '&' })).toBe(
      'http://app.example/cb?a=1&code=c+d&x=%26',
    );
  });
});
