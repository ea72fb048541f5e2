/**
 * Where flink-ts is installed and which version it is. Entrypoints, the daemon launcher and the
 * default log directory all need it, whether running from `src/` (tests, under tsx) or `dist/`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This file sits at `<root>/src/entrypoints` or `<root>/dist/entrypoints`. */
export const INSTALLATION_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** True when running from the TypeScript sources (tests run them through tsx), not the build. */
export const FROM_SOURCES = import.meta.url.endsWith('.ts');

let version: string | undefined;

/** The `version` of the installation's package.json, or `unknown` when it cannot be read. */
export function flinkTsVersion(): string {
  if (version === undefined) {
    try {
      const parsed = JSON.parse(readFileSync(resolve(INSTALLATION_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
      version = typeof parsed.version === 'string' ? parsed.version : 'unknown';
    } catch {
      // A version banner is no reason to fail a start.
      version = 'unknown';
    }
  }
  return version;
}
