/** JobManager endpoints: configuration, log listing and log files. */
import type { HandlerContext, HandlerRouter } from '../rest-handler.js';
import { notFound } from '../rest-errors.js';
import { jsonResponse, textResponse } from '../rest-handler.js';
import { checkLogFileName, logListJson } from './render.js';

export const MASKED_VALUE = '******';

// Flink hides a value whose key contains one of these (GlobalConfiguration's sensitive keys).
const SENSITIVE_KEY_PARTS = [
  'password',
  'secret',
  'fs.azure.account.key',
  'apikey',
  'api-key',
  'auth-params',
  'service-key',
  'token',
  'basic-auth',
  'jaas.config',
  'http-headers',
];

export function isSensitiveKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SENSITIVE_KEY_PARTS.some((part) => lower.includes(part));
}

export function registerJobManagerHandlers(router: HandlerRouter, ctx: HandlerContext): void {
  const { facade } = ctx;

  router.add('GET', '/jobmanager/config', async () => {
    const config = await facade.getJobManagerConfiguration();
    // Masked here, whatever the facade returns: this endpoint is often reachable by anyone.
    const entries = Object.keys(config)
      .sort()
      .map((key) => ({ key, value: isSensitiveKey(key) ? MASKED_VALUE : (config[key] ?? '') }));
    return jsonResponse(entries);
  });

  router.add('GET', '/jobmanager/logs', async () => jsonResponse(logListJson(await facade.listJobManagerLogs())));

  router.add('GET', '/jobmanager/logs/:filename', async (request) => {
    const name = request.params.filename as string;
    checkLogFileName(name, await facade.listJobManagerLogs(), 'the JobManager');
    const content = await facade.readJobManagerLog(name);
    if (content === undefined) throw notFound(`Log file '${name}' of the JobManager not found.`);
    return textResponse(content);
  });
}
