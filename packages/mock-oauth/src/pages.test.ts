import { describe, expect, it } from 'vitest';
import { GITHUB_BOT } from './fixtures.ts';
import { badRequestPage, consentPage, notFoundPage } from './pages.ts';

describe('consentPage', () => {
  it('lists each scope with what GitHub says it grants', () => {
    const html = consentPage(GITHUB_BOT, { clientId: GITHUB_BOT.clientId, scope: 'repo, user:email custom' }, 'http://t');
    expect(html).toContain(
      '<ul id="scopes"><li><strong>repo</strong> — Full control of private repositories</li>' +
        '<li><strong>user:email</strong> — Access user email addresses (read-only)</li>' +
        '<li><strong>custom</strong> — Requested scope</li></ul>',
    );
  });

  it('says public information only without scopes', () => {
    expect(consentPage(GITHUB_BOT, { clientId: GITHUB_BOT.clientId }, 'http://t')).toContain(
      '<ul id="scopes"><li>Public information only (read-only)</li></ul>',
    );
  });

  it('carries the parameters it was given as hidden fields, and only those', () => {
    const html = consentPage(GITHUB_BOT, { clientId: 'c', state: "it's", codeChallengeMethod: 'S256' }, 'http://t');
    const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]);
    expect(hidden).toEqual([
      ['client_id', 'c'],
      ['state', 'it&#39;s'],
      ['code_challenge_method', 'S256'],
    ]);
    // One per line.
    expect(html).toContain('value="c">\n      <input type="hidden" name="state"');
  });

  it('shows the sign-in error, escaped, only when there is one', () => {
    const html = consentPage(GITHUB_BOT, { clientId: 'c', login: '<me>' }, 'http://t?a=1&b=2', 'Bad & wrong');
    expect(html).toContain('<div class="flash-error" role="alert" id="flash">Bad &amp; wrong</div>');
    expect(html).toContain('value="&lt;me&gt;"');
    expect(html).toContain('<strong id="redirect-target">http://t?a=1&amp;b=2</strong>');
    const plain = consentPage(GITHUB_BOT, { clientId: 'c' }, 'http://t');
    expect(plain).not.toContain('flash-error"');
    expect(plain).toMatch(/<\/ul>\s*<form/);
    expect(plain).toContain('id="login_field" autocomplete="username" value=""');
  });

  it('escapes the app’s name', () => {
    const html = consentPage({ ...GITHUB_BOT, name: 'A<b>"' }, { clientId: 'c' }, 'http://t');
    expect(html).toContain('<title>Authorize application · GitHub (Doppel twin)</title>');
    expect(html).toContain('Authorize <span id="app-name">A&lt;b&gt;&quot;</span>');
    expect(html).toContain('<p><strong>A&lt;b&gt;&quot;</strong> wants to access your GitHub account.</p>');
  });
});

describe('the error pages', () => {
  it('the 404 page is GitHub’s wording', () => {
    expect(notFoundPage()).toContain('<h1>404</h1><p>This is not the web page you are looking for.</p>');
  });

  it('the 400 page lists the problems, escaped', () => {
    expect(badRequestPage(['a <b>', 'c'])).toContain('<h1>400</h1><ul><li>a &lt;b&gt;</li><li>c</li></ul>');
  });
});

describe('the page’s scope wording', () => {
  it('is GitHub’s for the scopes a bot usually asks for', () => {
    const wording: Record<string, string> = {
      'read:user': 'Read all user profile data',
      'user:email': 'Access user email addresses (read-only)',
      user: 'Update ALL user data',
      repo: 'Full control of private repositories',
      public_repo: 'Access public repositories',
      gist: 'Create gists',
      'read:org': 'Read org and team membership, read org projects',
      notifications: 'Access notifications',
    };
    const html = consentPage(GITHUB_BOT, { clientId: 'c', scope: Object.keys(wording).join(' ') }, 'http://t');
    for (const [scope, text] of Object.entries(wording)) expect(html).toContain(`<li><strong>${scope}</strong> — ${text}</li>`);
  });

  it('is styled like GitHub’s page', () => {
    const html = consentPage(GITHUB_BOT, { clientId: 'c' }, 'http://t');
    expect(html).toMatch(/<style>[^<]*#js-oauth-authorize-btn\{background:#1f883d;color:#fff\}[^<]*<\/style>/);
    expect(html).toContain('border:1px solid #d0d7de;border-radius:6px}');
  });
});
