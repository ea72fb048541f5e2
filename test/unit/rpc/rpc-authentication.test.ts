import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  NONCE_BYTES,
  clientProof,
  createNonce,
  isValidNonce,
  proofsEqual,
  serverProof,
} from '../../../src/runtime/rpc/rpc-authentication.js';

test('nonces are random and of the expected size', () => {
  const a = createNonce();
  const b = createNonce();
  assert.equal(a.length, NONCE_BYTES);
  assert.notDeepStrictEqual(a, b);
  assert.ok(isValidNonce(a));
  assert.ok(!isValidNonce(new Uint8Array(0)));
});

test('a proof verifies only with the same secret and nonces', () => {
  const serverNonce = createNonce();
  const clientNonce = createNonce();
  const proof = clientProof('s3cret', serverNonce, clientNonce);
  assert.ok(proofsEqual(clientProof('s3cret', serverNonce, clientNonce), proof));
  assert.ok(!proofsEqual(clientProof('other', serverNonce, clientNonce), proof));
  assert.ok(!proofsEqual(clientProof('s3cret', createNonce(), clientNonce), proof));
  assert.ok(!proofsEqual(proof.subarray(0, 16), proof), 'a shorter proof never matches');
});

test('a client proof cannot stand in for a server proof over the same nonces', () => {
  const n1 = createNonce();
  const n2 = createNonce();
  assert.ok(!proofsEqual(serverProof('s3cret', n1, n2), clientProof('s3cret', n1, n2)));
});
