/**
 * Entry of the launcher's agent on a host (see agent-protocol.ts). It only checks the Node.js
 * version before loading anything else: on an old Node the rest may not even parse, and the
 * launcher must still be able to say what is wrong.
 */
const MINIMUM = [20, 11] as const;
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
  process.stderr.write(`${process.versions.node}\n`);
  // AGENT_EXIT.oldNode; a literal, since importing the protocol module is what must be avoided.
  process.exit(99);
}
await import('./agent-main.js');

export {};
