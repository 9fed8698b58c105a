import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loginToken, signIn } from './login.js';

type FetchArgs = Parameters<typeof fetch>;

describe('browser sign-in', () => {
  it('takes the token from the fragment of a login link, nothing else', () => {
    const token = 'A'.repeat(43);
    assert.equal(loginToken(`#${token}`), token);
    for (const hash of ['', '#', '#short', `#${token}&x=1`, `#<script>${token}`]) assert.equal(loginToken(hash), undefined, hash);
  });

  it('posts the credential as JSON to /login and reports the outcome', async () => {
    const seen: FetchArgs[] = [];
    const answering = (response: Response) => (...args: FetchArgs) => {
      seen.push(args);
      return Promise.resolve(response);
    };
    assert.equal(await signIn({ token: 'abc' }, answering(new Response('{"ok":true}', { status: 200 }))), 'signed-in');
    const [url, init] = seen[0] ?? [];
    assert.equal(url, '/login');
    assert.equal(init?.method, 'POST');
    assert.equal(init?.credentials, 'same-origin');
    assert.deepEqual(init?.headers, { 'Content-Type': 'application/json' });
    assert.deepEqual(JSON.parse(init?.body as string), { token: 'abc' });
    assert.equal(await signIn({ password: 'p' }, answering(new Response('no\n', { status: 401 }))), 'refused');
    assert.deepEqual(await signIn({ password: 'p' }, answering(new Response('wait\n', { status: 429, headers: { 'Retry-After': '8' } }))), { retryAfterSeconds: 8 });
    assert.equal(await signIn({ password: 'p' }, () => Promise.reject(new TypeError('Failed to fetch'))), 'offline');
  });
});
