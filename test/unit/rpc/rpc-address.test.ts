import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isFlinkTsError } from '../../../src/core/errors.js';
import { formatBaseAddress, parsePortSpec, parseRpcAddress } from '../../../src/runtime/rpc/rpc-address.js';

test('host:port/name addresses are remote; the name may contain slashes', () => {
  assert.deepStrictEqual(parseRpcAddress('10.0.0.5:6123/resourcemanager'), {
    kind: 'remote',
    host: '10.0.0.5',
    port: 6123,
    base: '10.0.0.5:6123',
    name: 'resourcemanager',
  });
  assert.deepStrictEqual(parseRpcAddress('tm-1.example:35000/taskmanager/abc-123'), {
    kind: 'remote',
    host: 'tm-1.example',
    port: 35000,
    base: 'tm-1.example:35000',
    name: 'taskmanager/abc-123',
  });
});

test('IPv6 hosts are written in brackets', () => {
  assert.deepStrictEqual(parseRpcAddress('[::1]:6123/jobmanager'), {
    kind: 'remote',
    host: '::1',
    port: 6123,
    base: '[::1]:6123',
    name: 'jobmanager',
  });
  assert.equal(formatBaseAddress('::1', 6123), '[::1]:6123');
  assert.equal(formatBaseAddress('127.0.0.1', 6123), '127.0.0.1:6123');
});

test('an address without host:port names an endpoint of the local service', () => {
  assert.deepStrictEqual(parseRpcAddress('dispatcher'), { kind: 'local', name: 'dispatcher' });
  assert.deepStrictEqual(parseRpcAddress('taskmanager/abc'), { kind: 'local', name: 'taskmanager/abc' });
});

test('an address with an impossible port is rejected', () => {
  assert.throws(() => parseRpcAddress('host:70000/x'), (e: unknown) => isFlinkTsError(e) && e.code === 'ERR_INVALID_ARGUMENT');
  assert.throws(() => parseRpcAddress(''), (e: unknown) => isFlinkTsError(e) && e.code === 'ERR_INVALID_ARGUMENT');
});

test('port specifications expand to the ports to try, in order', () => {
  assert.deepStrictEqual(parsePortSpec(0), [0]);
  assert.deepStrictEqual(parsePortSpec('0'), [0]);
  assert.deepStrictEqual(parsePortSpec(6123), [6123]);
  assert.deepStrictEqual(parsePortSpec('50100-50103'), [50100, 50101, 50102, 50103]);
  assert.deepStrictEqual(parsePortSpec('6123, 50100-50101'), [6123, 50100, 50101]);
});

test('invalid port specifications say what is accepted', () => {
  for (const spec of ['', 'abc', '50200-50100', '0-5', '1,0', '65536', 1.5, -1]) {
    assert.throws(
      () => parsePortSpec(spec),
      (e: unknown) => isFlinkTsError(e) && e.code === 'ERR_INVALID_ARGUMENT' && /a range like '50100-50200'/.test(e.message),
      String(spec),
    );
  }
});
