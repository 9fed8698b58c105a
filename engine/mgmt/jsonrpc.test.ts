import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basicAuthorization, hasManagementPassword } from './auth.js';
import { echoedId, errorBody, MAX_JSON_NESTING, parseRpcRequest, successBody } from './jsonrpc.js';
import { paginate, readPage } from './pagination.js';

describe('JSON-RPC envelope (MANAGEMENT.md §3)', () => {
  it('parses what n3nctl, the web UI and munin send', () => {
    assert.deepEqual(parseRpcRequest('{"jsonrpc": "2.0", "id": 1, "method": "get_mac", "params": null}'), {
      ok: true,
      value: { method: 'get_mac', id: '1', params: null },
    });
    assert.deepEqual(parseRpcRequest('{"jsonrpc":"2.0","method":"set_verbose","id":3,"params":[3]}'), {
      ok: true,
      value: { method: 'set_verbose', id: '3', params: [3] },
    });
    assert.deepEqual(parseRpcRequest('{"jsonrpc":"2.0","method":"get_edges","id":0}'), {
      ok: true,
      value: { method: 'get_edges', id: '0', params: null },
    });
  });

  it('refuses what is not one request object', () => {
    for (const body of ['', 'hello', '[]', '[{"method":"a","id":1}]', '{"id":1}', '{"method":1,"id":1}', '{"method":"a"}', '{"method":"a","id":1', 'null']) {
      assert.equal(parseRpcRequest(body).ok, false, body);
    }
    const deep = `{"method":"a","id":1,"params":${'['.repeat(MAX_JSON_NESTING)}${']'.repeat(MAX_JSON_NESTING)}}`;
    assert.equal(parseRpcRequest(deep).ok, false);
    assert.equal(parseRpcRequest('{"method":"a","id":1,"params":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}').ok, true);
  });

  it('ignores inherited properties', () => {
    assert.equal(parseRpcRequest('{"__proto__":{"method":"a","id":1}}').ok, false);
  });

  it('echoes every id as a string and builds compact replies', () => {
    assert.deepEqual([1, 'abc', null, -5, 1.5, true, { a: 1 }].map(echoedId), ['1', 'abc', 'null', '-5', '1.5', 'true', '{"a":1}']);
    assert.equal(successBody('4', '0'), '{"jsonrpc":"2.0","id":"4","result":0}');
    assert.equal(errorBody('42', 507, 'overflow', '{"count":16}'), '{"jsonrpc":"2.0","id":"42","error":{"code":507,"message":"overflow","data":{"count":16}}}');
    assert.equal(successBody('a"b', '1'), '{"jsonrpc":"2.0","id":"a\\"b","result":1}');
  });
});

describe('management password (MANAGEMENT.md §4)', () => {
  it('accepts Basic credentials whose text after the first colon is the password', () => {
    assert.equal(hasManagementPassword('Basic dW51c2VkOm4zbg==', 'n3n'), true);
    assert.equal(hasManagementPassword(basicAuthorization('s3cret'), 's3cret'), true);
    assert.equal(hasManagementPassword(basicAuthorization('s3:cret'), 's3:cret'), true);
    assert.equal(hasManagementPassword(`Basic ${Buffer.from(':n3n').toString('base64')}`, 'n3n'), true);
  });

  it('refuses everything else', () => {
    for (const header of [undefined, '', 'Basic', 'Bearer dW51c2VkOm4zbg==', 'basic dW51c2VkOm4zbg==', 'Basic !!!', `Basic ${Buffer.from('n3n').toString('base64')}`, basicAuthorization('n3n2'), basicAuthorization('')]) {
      assert.equal(hasManagementPassword(header, 'n3n'), false, String(header));
    }
  });
});

describe('pagination (MANAGEMENT.md §5)', () => {
  const rows = Array.from({ length: 34 }, (_, i) => i);
  it('reads offset and limit from an object, an array holding one, numbers or digit strings', () => {
    assert.deepEqual(readPage({ limit: 15, offset: 30 }), { offset: 30, limit: 15 });
    assert.deepEqual(readPage([{ limit: 1 }]), { offset: 0, limit: 1 });
    assert.deepEqual(readPage({ limit: '3', offset: '2' }), { offset: 2, limit: 3 });
    assert.deepEqual(readPage(null), { offset: 0, limit: 2147483647 });
    assert.deepEqual(readPage({ limit: -1, offset: 1.5 }), { offset: 0, limit: 2147483647 });
  });

  it('applies the limit to the whole list (n3n applied it per group)', () => {
    assert.equal(paginate(rows, { limit: 0 }).length, 0);
    assert.deepEqual(paginate(rows, { limit: 15, offset: 30 }), [30, 31, 32, 33]);
    assert.deepEqual(paginate(rows, { offset: 99 }), []);
  });
});
