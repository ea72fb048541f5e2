/**
 * OpenSSH's known_hosts file, for checking the keys SSH hosts present (sshd(8), "SSH_KNOWN_HOSTS
 * FILE FORMAT"): lines of `[marker] hostpatterns keytype base64key [comment]`, where
 *
 * - hostpatterns is a comma-separated list of names, `[name]:port` for a port other than 22,
 *   wildcards `*` and `?`, and negations `!pattern`; or one hashed name `|1|salt|hmac`
 *   (HMAC-SHA1 of the name under the salt, as written with HashKnownHosts);
 * - the marker is `@revoked` (that key is refused for the host) or `@cert-authority` (a CA key,
 *   which the launcher does not support; such lines are skipped).
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One usable key line of a known_hosts file. */
export interface KnownHostEntry {
  /** The raw host field (patterns, or a hashed name). */
  readonly hosts: string;
  readonly keyType: string;
  /** The key blob, base64 as in the file. */
  readonly key: string;
  readonly revoked: boolean;
  readonly file: string;
  readonly line: number;
}

/** The host name as known_hosts writes it: `name` on port 22, `[name]:port` elsewhere. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Parses a known_hosts file's text; lines that are not key lines (or CA lines) are skipped. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const result: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@') === true) {
      const marker = fields.shift();
      if (marker === '@cert-authority') return;
      if (marker !== '@revoked') return;
      revoked = true;
    }
    const [hosts, keyType, key] = fields;
    if (hosts === undefined || keyType === undefined || key === undefined) return;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return;
    result.push({ hosts, keyType, key, revoked, file, line: index + 1 });
  });
  return result;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|');
  // '', '1', salt, hash
  if (parts.length !== 4 || parts[1] !== '1' || parts[2] === undefined || parts[3] === undefined) return false;
  const salt = Buffer.from(parts[2], 'base64');
  const expected = createHmac('sha1', salt).update(name).digest('base64');
  return expected === parts[3];
}

/** True when an entry's host field applies to `name` (as from {@link knownHostsName}). */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern === '') continue;
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    if (!globToRegExp(glob).test(name)) continue;
    // A matching negation excludes the host whatever else matches.
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** `SHA256:<base64 without padding>` of a key blob, as ssh-keygen -l and ssh print it. */
export function keyFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type in the wire form of a public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** The name ssh prints for a key type: ED25519, ECDSA, RSA. */
export function keyTypeLabel(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ED25519';
  if (keyType.startsWith('ecdsa-')) return 'ECDSA';
  if (keyType === 'ssh-rsa' || keyType.startsWith('rsa-')) return 'RSA';
  if (keyType === 'ssh-dss') return 'DSA';
  return keyType.toUpperCase();
}

/** What known_hosts says about the key a host presented. */
export type HostKeyVerdict =
  | { readonly kind: 'trusted'; readonly entry: KnownHostEntry }
  | { readonly kind: 'revoked'; readonly entry: KnownHostEntry }
  /** The host is known, with other keys: the one presented is not among them. */
  | { readonly kind: 'changed'; readonly known: readonly KnownHostEntry[] }
  | { readonly kind: 'unknown' };

/**
 * Checks a presented key (wire blob) for `name` against the entries. A revoked match wins over
 * everything; then an exact match; then any other key for the host means the key changed.
 */
export function verifyHostKey(entries: readonly KnownHostEntry[], name: string, blob: Buffer): HostKeyVerdict {
  const presented = blob.toString('base64');
  const forHost = entries.filter((entry) => hostFieldMatches(entry.hosts, name));
  const revoked = forHost.find((entry) => entry.revoked && entry.key === presented);
  if (revoked !== undefined) return { kind: 'revoked', entry: revoked };
  const trusted = forHost.find((entry) => !entry.revoked && entry.key === presented);
  if (trusted !== undefined) return { kind: 'trusted', entry: trusted };
  const known = forHost.filter((entry) => !entry.revoked);
  return known.length > 0 ? { kind: 'changed', known } : { kind: 'unknown' };
}

/** The key types known for `name`, so that the client can ask the server for one of those first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  const types = entries.filter((entry) => !entry.revoked && hostFieldMatches(entry.hosts, name)).map((entry) => entry.keyType);
  return [...new Set(types)];
}

/** The entries of the files that exist among `files` (unreadable files are an error: they may hold the key). */
export function readKnownHostsFiles(files: readonly string[]): KnownHostEntry[] {
  return files.flatMap((file) => (existsSync(file) ? parseKnownHosts(readFileSync(file, 'utf8'), file) : []));
}

/**
 * Appends `name keytype key` to a known_hosts file (created 0600 in a 0700 directory when
 * missing). One `appendFileSync` per line: concurrent appends from several connections do not
 * interleave within a line.
 */
export function appendKnownHost(file: string, name: string, blob: Buffer): void {
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const created = !existsSync(file);
  let prefix = '';
  if (!created) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) prefix = '\n';
  }
  appendFileSync(file, `${prefix}${name} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`, { mode: 0o600 });
  if (created) chmodSync(file, 0o600);
}
