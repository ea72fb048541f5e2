/**
 * Mutual challenge-response over the cluster secret (`security.cluster-secret`). Each side sends a
 * fresh random nonce and the other answers with an HMAC-SHA256 of it keyed by the secret, so both
 * prove knowledge of the secret without sending it, and a recorded answer is useless for another
 * connection (its nonce differs).
 *
 * The proofs of the two sides are computed over different labels. Otherwise a client's answer
 * could be replayed as a server's answer for the same nonce (a reflection attack), letting a
 * process without the secret pose as a server by bouncing challenges between two connections.
 *
 * This authenticates the connection's start only; it neither encrypts nor protects the traffic
 * that follows against someone who can alter packets on the network.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const NONCE_BYTES = 32;

const CLIENT_LABEL = 'flink-ts rpc client v1';
const SERVER_LABEL = 'flink-ts rpc server v1';

export function createNonce(): Uint8Array {
  return new Uint8Array(randomBytes(NONCE_BYTES));
}

function proof(secret: string, label: string, first: Uint8Array, second: Uint8Array): Uint8Array {
  const mac = createHmac('sha256', secret);
  mac.update(label);
  mac.update(first);
  mac.update(second);
  return new Uint8Array(mac.digest());
}

/**
 * The client's answer to the server's challenge. It also covers the client's own nonce, which
 * ties the two challenges of a handshake together.
 */
export function clientProof(secret: string, serverNonce: Uint8Array, clientNonce: Uint8Array): Uint8Array {
  return proof(secret, CLIENT_LABEL, serverNonce, clientNonce);
}

/** The server's answer to the client's challenge. */
export function serverProof(secret: string, clientNonce: Uint8Array, serverNonce: Uint8Array): Uint8Array {
  return proof(secret, SERVER_LABEL, clientNonce, serverNonce);
}

/** Compares in constant time so the comparison leaks nothing about how much of a proof matched. */
export function proofsEqual(expected: Uint8Array, given: Uint8Array): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A nonce of the wrong size would let a peer weaken the challenge (e.g. an empty one). */
export function isValidNonce(nonce: Uint8Array): boolean {
  return nonce.length === NONCE_BYTES;
}
