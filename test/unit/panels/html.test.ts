// The panel HTML shell: the exact CSP of docs/design.md, a fresh nonce on the one script and in the
// toolkit's meta, and no data or inline handlers in the markup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeNonce, panelCsp, panelHtml } from '../../../src/extension/panels/html';

const CSP_SOURCE = 'https://*.vscode-cdn.net';

describe('panel HTML', () => {
  it('uses the design CSP with the nonce', () => {
    assert.equal(panelCsp(CSP_SOURCE, 'N0nce'),
      `default-src 'none'; script-src 'nonce-N0nce'; style-src ${CSP_SOURCE} 'nonce-N0nce'; img-src ${CSP_SOURCE}; font-src ${CSP_SOURCE}`);
  });

  it('puts the nonce on the module script and in the csp-nonce meta the toolkit reads, and nothing inline', () => {
    const nonce = makeNonce();
    const html = panelHtml({ cspSource: CSP_SOURCE, nonce, scriptUri: 'https://x/dist/webview/run.js', styleUri: 'https://x/media/run.css', title: 'MLOps run' });
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${panelCsp(CSP_SOURCE, nonce)}">`));
    assert.ok(html.includes(`<meta property="csp-nonce" content="${nonce}">`));
    assert.ok(html.includes(`<script type="module" nonce="${nonce}" src="https://x/dist/webview/run.js"></script>`));
    assert.equal(html.match(/<script/g)?.length, 1, 'one script');
    assert.doesNotMatch(html, /<style|style=|\son[a-z]+=/i, 'no inline styles or handlers');
    assert.doesNotMatch(html, /unsafe-(eval|inline)/);
  });

  it('makes a fresh, unguessable nonce each time', () => {
    const seen = new Set(Array.from({ length: 50 }, makeNonce));
    assert.equal(seen.size, 50);
    for (const n of seen) assert.match(n, /^[A-Za-z0-9+/]{24}$/);
  });

  it('escapes what goes into attributes', () => {
    const html = panelHtml({ cspSource: CSP_SOURCE, nonce: 'n', scriptUri: 'https://x/a.js?"><script>', styleUri: 's', title: '<t>' });
    assert.ok(html.includes('src="https://x/a.js?&quot;&gt;&lt;script&gt;"'));
    assert.ok(html.includes('<title>&lt;t&gt;</title>'));
  });
});
