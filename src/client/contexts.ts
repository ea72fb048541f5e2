import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Configuration } from '../config/index.js';
import { FlinkTsError } from '../core/errors.js';
import { restAddressOverride } from './rest-address.js';

/**
 * Named contexts: a started session (ssh-session, pool-session, or any cluster added by hand) is
 * remembered under a name, and later `run`, `list` and `cancel` calls use the current one. This is
 * what Flink's `.yarn-properties-<user>` file does, without its traps: contexts are named (not one
 * per user), and a context is checked before use, so a dead session is reported instead of
 * silently routing a job somewhere else.
 */
export interface ClusterContext {
  readonly name: string;
  /** The deployment target that created it (`ssh-session`, `pool-session`, `remote`). */
  readonly target: string;
  /** `http://host:port` of the cluster's REST API. */
  readonly restAddress: string;
  /** Flink's cluster id: the SSH cluster id or the pool application id. */
  readonly clusterId?: string;
  readonly createdAt: number;
  /** Settings the session was started with, which commands against it reuse (e.g. the pool's Redis URL). */
  readonly properties?: Readonly<Record<string, string>>;
}

interface ContextFile {
  current?: string;
  contexts: Record<string, ClusterContext>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `$FLINK_TS_HOME/contexts.json`, else `~/.flink-ts/contexts.json`. */
export function contextsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.FLINK_TS_HOME ?? join(homedir(), '.flink-ts'), 'contexts.json');
}

export class ContextStore {
  constructor(private readonly file: string = contextsFile()) {}

  list(): { current: string | undefined; contexts: ClusterContext[] } {
    const data = this.read();
    return { current: data.current, contexts: Object.values(data.contexts).sort((a, b) => a.name.localeCompare(b.name)) };
  }

  get(name: string): ClusterContext | undefined {
    return this.read().contexts[name];
  }

  current(): ClusterContext | undefined {
    const data = this.read();
    return data.current === undefined ? undefined : data.contexts[data.current];
  }

  /** Saves a context and makes it the current one. */
  save(context: ClusterContext): void {
    checkName(context.name);
    const data = this.read();
    data.contexts[context.name] = context;
    data.current = context.name;
    this.write(data);
  }

  use(name: string): ClusterContext {
    const data = this.read();
    const context = data.contexts[name];
    if (context === undefined) throw unknownContext(name, Object.keys(data.contexts));
    data.current = name;
    this.write(data);
    return context;
  }

  remove(name: string): boolean {
    const data = this.read();
    if (data.contexts[name] === undefined) return false;
    delete data.contexts[name];
    if (data.current === name) delete data.current;
    this.write(data);
    return true;
  }

  private read(): ContextFile {
    if (!existsSync(this.file)) return { contexts: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<ContextFile>;
      return { ...(parsed.current === undefined ? {} : { current: parsed.current }), contexts: parsed.contexts ?? {} };
    } catch (e) {
      throw new FlinkTsError(
        'ERR_INVALID_ARGUMENT',
        `The contexts file ${this.file} is not valid JSON (${e instanceof Error ? e.message : String(e)}). Fix or delete it.`,
      );
    }
  }

  /** Atomic replace, mode 0600: contexts may carry addresses and settings of private clusters. */
  private write(data: ContextFile): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomUUID()}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}

export function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new FlinkTsError('ERR_INVALID_ARGUMENT', `Invalid context name '${name}': use letters, digits, '.', '_' and '-' (at most 64).`);
  }
}

function unknownContext(name: string, known: string[]): FlinkTsError {
  const list = known.length === 0 ? 'There are no contexts yet: start a session with `flink-ts ssh-session` or `flink-ts pool-session`.' : `Known contexts: ${known.sort().join(', ')}.`;
  return new FlinkTsError('ERR_INVALID_ARGUMENT', `No context named '${name}'. ${list}`);
}

/**
 * Checks that a context's cluster still answers; a dead one is an error that says so and how
 * to clean up, never a silent fallback.
 */
export async function checkContextAlive(context: ClusterContext, timeoutMs = 3000): Promise<void> {
  try {
    const response = await fetch(`${context.restAddress}/overview`, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return;
    throw new Error(`HTTP ${response.status}`);
  } catch (e) {
    throw new FlinkTsError(
      'ERR_ILLEGAL_STATE',
      `The context '${context.name}' (${context.target}) points at ${context.restAddress}, which does not answer (${e instanceof Error ? e.message : String(e)}). ` +
        `The session has probably ended: remove the context with \`flink-ts context remove ${context.name}\` or start a new session.`,
    );
  }
}

/**
 * The configuration the current context stands for, when the user chose no target: its REST
 * address and the `remote` target, plus the properties it was started with. Checked for liveness
 * first. Resolves undefined when there is no current context.
 */
export async function currentContextOverride(
  env: NodeJS.ProcessEnv,
  announce: (line: string) => void,
): Promise<{ source: string; values: Record<string, string | number> } | undefined> {
  const context = new ContextStore(contextsFile(env)).current();
  if (context === undefined) return undefined;
  await checkContextAlive(context);
  announce(`Using context '${context.name}' (${context.target} at ${context.restAddress}). Choose another with -m, -t or \`flink-ts context use\`.`);
  return {
    source: `context '${context.name}'`,
    values: { ...context.properties, ...restAddressOverride(context.restAddress), 'execution.target': 'remote' },
  };
}

/** The configuration with the current context applied, unless a cluster was chosen explicitly. */
export async function withCurrentContext(
  configuration: Configuration,
  noExplicitCluster: boolean,
  env: NodeJS.ProcessEnv,
  announce: (line: string) => void,
): Promise<Configuration> {
  if (!noExplicitCluster || configuration.has('execution.target') || configuration.has('rest.address')) return configuration;
  const override = await currentContextOverride(env, announce);
  return override === undefined ? configuration : configuration.withOverrides(override.values, override.source);
}
