/**
 * The "jar" endpoints (Flink's web submission): upload, list, delete and run job files. A job
 * file is a module (`.ts`, `.mts`, `.js`, `.mjs`) or a bundled artifact; the names stay Flink's
 * so the dashboard and scripts written for Flink keep working. Only registered when
 * `web.submit.enable` is true.
 */
import type { JobId } from '../../../core/ids.js';
import type { JarUpload } from '../jar-store.js';
import type { RunJarOptions } from '../rest-cluster-facade.js';
import type { HandlerContext, HandlerRouter, RestRequest } from '../rest-handler.js';
import { isHexId } from '../../../core/ids.js';
import { JOB_FILE_EXTENSIONS, JarStore } from '../jar-store.js';
import { badRequest, notFound } from '../rest-errors.js';
import { emptyResponse, jsonResponse } from '../rest-handler.js';
import { booleanParam, intParam, listParam } from './render.js';

const RUN_BODY_FIELDS = new Set([
  'entryClass',
  'programArgs',
  'programArgsList',
  'parallelism',
  'jobId',
  'allowNonRestoredState',
  'savepointPath',
  'restoreMode',
  'claimMode',
  'flinkConfiguration',
]);

export function registerJarHandlers(router: HandlerRouter, ctx: HandlerContext): void {
  const jarOf = async (request: RestRequest): Promise<{ id: string; path: string }> => {
    const id = request.params.jarid as string;
    if (!JarStore.isValidId(id)) throw badRequest(`Invalid jar id '${id}': expected the id of an uploaded file (<uuid>_<name>, as GET /jars lists).`);
    const jar = await ctx.jars.find(id);
    if (jar === undefined) throw notFound(`Jar ${id} not found.`);
    return jar;
  };

  router.add('POST', '/jars/upload', async (request) => {
    // Held in an object: the callback assigns it, and a plain `let` would be narrowed to undefined.
    const state: { upload?: JarUpload } = {};
    try {
      await request.readMultipart(
        (part) => {
          if (part.name !== 'jarfile' || part.filename === undefined) {
            throw badRequest(`Unexpected form field '${part.name}': upload the job file as the file field 'jarfile'.`);
          }
          if (state.upload !== undefined) throw badRequest('Upload one job file per request.');
          const name = JarStore.storedName(part.filename);
          if (name === undefined) {
            throw badRequest(`Only job files (${JOB_FILE_EXTENSIONS.join(', ')}) can be uploaded, not '${part.filename}'.`);
          }
          state.upload = ctx.jars.beginUpload(name);
          return state.upload;
        },
        { maxParts: 4, maxHeaderBytes: 16 * 1024 },
      );
      if (state.upload === undefined) throw badRequest("No job file was uploaded: send it as the file field 'jarfile'.");
      await state.upload.commit();
    } catch (error) {
      await state.upload?.abort();
      throw error;
    }
    ctx.logger.info(`Stored uploaded job file ${state.upload.id}.`);
    return jsonResponse({ filename: state.upload.path, status: 'success' });
  });

  router.add('GET', '/jars', async () => {
    const jars = await ctx.jars.list();
    return jsonResponse({
      address: ctx.address(),
      files: jars.map((jar) => ({
        id: jar.id,
        name: jar.name,
        uploaded: jar.uploaded,
        // A job file has no entry classes: its top-level code is the program.
        entry: [{ name: jar.name, description: null }],
      })),
    });
  });

  router.add('DELETE', '/jars/:jarid', async (request) => {
    const jar = await jarOf(request);
    await ctx.jars.delete(jar.id);
    return emptyResponse(200);
  });

  router.add('POST', '/jars/:jarid/run', async (request) => {
    const jar = await jarOf(request);
    const options = parseRunOptions(await request.readJson(), request.query);
    const jobIds = await ctx.facade.runJar(jar.path, options);
    const first = jobIds[0];
    if (first === undefined) {
      throw badRequest("Could not execute application: the program didn't contain a job. Perhaps it never calls execute() on the environment.");
    }
    return jsonResponse({ jobid: first });
  });
}

/**
 * The run options from the body (Flink's JarRunRequestBody), falling back to the deprecated
 * query parameters (`programArg`, `parallelism`, `savepointPath`, `allowNonRestoredState`).
 * @throws RestHandlerError 400 naming the offending field.
 */
export function parseRunOptions(body: unknown, query: URLSearchParams): RunJarOptions {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The run request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((key) => !RUN_BODY_FIELDS.has(key));
  if (unknown.length > 0) throw badRequest(`Unknown field(s) in the run request: ${unknown.join(', ')}.`);

  const present = (key: string): boolean => b[key] !== undefined && b[key] !== null;
  if (present('programArgs') && present('programArgsList')) {
    throw badRequest('Give the program arguments either as programArgsList or as programArgs, not both (programArgsList is preferred).');
  }
  let programArgs: string[];
  if (present('programArgsList')) {
    const list = b.programArgsList;
    if (!Array.isArray(list) || !list.every((a) => typeof a === 'string')) throw badRequest("'programArgsList' must be an array of strings.");
    programArgs = list;
  } else if (present('programArgs')) {
    if (typeof b.programArgs !== 'string') throw badRequest("'programArgs' must be a string.");
    programArgs = tokenizeArguments(b.programArgs);
  } else {
    programArgs = listParam(query, 'programArg') ?? [];
  }

  const options: { -readonly [K in keyof RunJarOptions]: RunJarOptions[K] } = { programArgs, flinkConfiguration: {} };
  const parallelism = present('parallelism') ? b.parallelism : intParam(query, 'parallelism', { min: -1 });
  if (parallelism !== undefined && parallelism !== null) {
    if (typeof parallelism !== 'number' || !Number.isInteger(parallelism) || (parallelism < 1 && parallelism !== -1)) {
      throw badRequest("'parallelism' must be an integer >= 1 (or -1 for the default).");
    }
    if (parallelism !== -1) options.parallelism = parallelism;
  }
  if (present('jobId')) {
    if (typeof b.jobId !== 'string' || !isHexId(b.jobId.toLowerCase())) throw badRequest("'jobId' must be 32 hexadecimal characters.");
    options.jobId = b.jobId.toLowerCase() as JobId;
  }
  const savepointPath = present('savepointPath') ? b.savepointPath : (query.get('savepointPath') ?? undefined);
  if (savepointPath !== undefined) {
    if (typeof savepointPath !== 'string') throw badRequest("'savepointPath' must be a string.");
    options.savepointPath = savepointPath;
  }
  const allowNonRestored = present('allowNonRestoredState') ? b.allowNonRestoredState : booleanParam(query, 'allowNonRestoredState');
  if (allowNonRestored !== undefined) {
    if (typeof allowNonRestored !== 'boolean') throw badRequest("'allowNonRestoredState' must be true or false.");
    options.allowNonRestoredState = allowNonRestored;
  }
  // Flink 2.0 renamed restoreMode to claimMode; both are read.
  const mode = present('claimMode') ? b.claimMode : b.restoreMode;
  if (mode !== undefined && mode !== null) {
    if (mode !== 'CLAIM' && mode !== 'NO_CLAIM') throw badRequest("'restoreMode' must be CLAIM or NO_CLAIM (LEGACY was removed).");
    options.restoreMode = mode;
  }
  if (present('flinkConfiguration')) {
    const conf = b.flinkConfiguration;
    if (typeof conf !== 'object' || conf === null || Array.isArray(conf)) throw badRequest("'flinkConfiguration' must be an object of key/value pairs.");
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(conf as Record<string, unknown>)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw badRequest(`'flinkConfiguration.${key}' must be a string, number or boolean.`);
      }
      flat[key] = String(value);
    }
    options.flinkConfiguration = flat;
  }
  return options;
}

/** Splits Flink's deprecated `programArgs` string on whitespace, honouring single and double quotes. */
export function tokenizeArguments(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inToken = false;
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) args.push(current);
      current = '';
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (quote !== undefined) throw badRequest(`Unbalanced quote in 'programArgs': ${text}`);
  if (inToken) args.push(current);
  return args;
}
