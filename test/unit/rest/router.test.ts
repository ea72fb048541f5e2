import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Router, splitPath } from '../../../src/runtime/rest/router.js';

function router(): Router<string> {
  return new Router<string>()
    .add('GET', '/jobs', 'list')
    .add('GET', '/jobs/overview', 'overview')
    .add('GET', '/jobs/:jobid', 'details')
    .add('PATCH', '/jobs/:jobid', 'cancel')
    .add('GET', '/jobs/:jobid/vertices/:vertexid', 'vertex');
}

function match(method: string, path: string): unknown {
  return router().match(method, splitPath(path) ?? []);
}

test('parameters are captured by name', () => {
  assert.deepEqual(match('GET', '/jobs/abc/vertices/def'), {
    kind: 'found',
    handler: 'vertex',
    params: { jobid: 'abc', vertexid: 'def' },
    pattern: '/jobs/:jobid/vertices/:vertexid',
  });
});

test('a static segment wins over a parameter, whatever the registration order', () => {
  assert.equal((match('GET', '/jobs/overview') as { handler: string }).handler, 'overview');
  const reversed = new Router<string>().add('GET', '/jobs/:jobid', 'details').add('GET', '/jobs/overview', 'overview');
  assert.equal((reversed.match('GET', ['jobs', 'overview']) as { handler: string }).handler, 'overview');
});

test('a known path with another method is method-not-allowed, listing the methods of the best match', () => {
  assert.deepEqual(match('DELETE', '/jobs/abc'), { kind: 'method-not-allowed', allowed: ['GET', 'PATCH'] });
  assert.deepEqual(match('PATCH', '/jobs/overview'), { kind: 'method-not-allowed', allowed: ['GET'] });
});

test('unknown paths, empty segments and extra segments are not found', () => {
  assert.deepEqual(match('GET', '/nope'), { kind: 'not-found' });
  assert.deepEqual(match('GET', '/jobs//vertices/x'), { kind: 'not-found' });
  assert.deepEqual(match('GET', '/jobs/a/vertices/b/c'), { kind: 'not-found' });
});

test('splitPath decodes segments, ignores a trailing slash and rejects bad encoding', () => {
  assert.deepEqual(splitPath('/jobs/a%2Fb/'), ['jobs', 'a/b']);
  assert.deepEqual(splitPath('/'), ['']);
  assert.equal(splitPath('/bad/%E0%A4%A'), undefined);
});

test('registering a route twice is a programming error', () => {
  assert.throws(() => router().add('GET', '/jobs/:other', 'x'), /already registered/);
});
