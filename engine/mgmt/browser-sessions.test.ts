import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrowserSessions, cookieValue, SESSION_COOKIE } from './browser-sessions.js';

function sessionsAt(clock: { now: number }, limits = { idleMs: 1_000, maxAgeMs: 5_000, maxSessions: 2 }): BrowserSessions {
  return new BrowserSessions(limits, () => clock.now);
}

const cookieOf = (setCookie: string): string => setCookie.split(';')[0] ?? '';

describe('browser sessions', () => {
  it('redeems a login token once, and only the latest one', () => {
    const sessions = sessionsAt({ now: 0 });
    const first = sessions.issueLoginToken();
    const second = sessions.issueLoginToken();
    assert.match(second, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(sessions.redeemLoginToken(first), false);
    assert.equal(sessions.redeemLoginToken('x'), false);
    assert.equal(sessions.redeemLoginToken(second), true);
    assert.equal(sessions.redeemLoginToken(second), false);
  });

  it('hands out HttpOnly, SameSite=Strict cookies of 256 random bits that expire on the server', () => {
    const clock = { now: 0 };
    const sessions = sessionsAt(clock);
    const setCookie = sessions.open();
    assert.match(setCookie, new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/; Max-Age=1$`));
    const cookie = cookieOf(setCookie);
    assert.ok(sessions.valid(`theme=dark; ${cookie}`));
    clock.now = 900;
    assert.ok(sessions.valid(cookie), 'use keeps it alive');
    clock.now = 1_950;
    assert.ok(!sessions.valid(cookie), 'idle too long');
    const busy = cookieOf(sessions.open());
    for (clock.now = 2_000; clock.now < 7_000; clock.now += 500) sessions.valid(busy);
    assert.ok(!sessions.valid(busy), 'too old, however busy');
  });

  it('refuses unknown, repeated or oversized cookies and keeps a bounded number of sessions', () => {
    const sessions = sessionsAt({ now: 0 });
    const a = cookieOf(sessions.open());
    assert.ok(!sessions.valid(`${SESSION_COOKIE}=${'A'.repeat(43)}`));
    assert.ok(!sessions.valid(`${a}; ${a}`));
    assert.ok(!sessions.valid(`${SESSION_COOKIE}=${'A'.repeat(100)}`));
    assert.ok(!sessions.valid(undefined));
    const b = cookieOf(sessions.open());
    const c = cookieOf(sessions.open());
    assert.equal(sessions.size, 2);
    assert.ok(!sessions.valid(a) && sessions.valid(b) && sessions.valid(c));
    sessions.close(c);
    assert.ok(!sessions.valid(c));
    assert.equal(cookieValue('a=1; b=2', 'b'), '2');
  });
});
