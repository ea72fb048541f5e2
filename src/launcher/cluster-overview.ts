/**
 * Waiting for a started cluster to be usable: the JobManager's REST `/overview` must show the
 * TaskManagers and slots that were started. A started process only means it runs; registration
 * at the ResourceManager is what makes its slots usable.
 */
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ClusterOverview {
  readonly taskmanagers: number;
  readonly 'slots-total': number;
  readonly 'slots-available': number;
}

/** GET `/overview` once; rejects on any failure (not up yet, refused, not JSON). */
export function fetchOverview(host: string, port: number, timeoutMs = 2_000): Promise<ClusterOverview> {
  return new Promise<ClusterOverview>((resolve, reject) => {
    // No keep-alive agent: a socket left open would keep the CLI alive after it is done.
    const req = request({ host, port, path: '/overview', method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET /overview answered ${res.statusCode ?? '?'}`));
          return;
        }
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ClusterOverview);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET /overview took longer than ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export type OverviewWait = { readonly kind: 'ready'; readonly overview: ClusterOverview } | { readonly kind: 'timeout'; readonly last?: ClusterOverview | undefined; readonly lastError?: string | undefined };

/** Polls `/overview` until `ready(overview)` or the deadline; short intervals first, since registration takes milliseconds. */
export async function waitForOverview(host: string, port: number, ready: (overview: ClusterOverview) => boolean, timeoutMs: number): Promise<OverviewWait> {
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  let last: ClusterOverview | undefined;
  let lastError: string | undefined;
  for (;;) {
    try {
      last = await fetchOverview(host, port);
      lastError = undefined;
      if (ready(last)) return { kind: 'ready', overview: last };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) return { kind: 'timeout', last, lastError };
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
    delay = Math.min(delay * 2, 250);
  }
}
