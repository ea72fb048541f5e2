/** Cluster-wide endpoints: `GET /config`, `GET /overview`, `DELETE /cluster`. */
import type { HandlerContext, HandlerRouter } from '../rest-handler.js';
import { emptyResponse, jsonResponse } from '../rest-handler.js';
import { isGloballyTerminal } from './render.js';

export function registerClusterHandlers(router: HandlerRouter, ctx: HandlerContext): void {
  router.add('GET', '/config', () => {
    const now = new Date(ctx.now());
    return Promise.resolve(
      jsonResponse({
        'refresh-interval': ctx.refreshIntervalMs,
        'timezone-name': Intl.DateTimeFormat().resolvedOptions().timeZone,
        // Flink reports the offset from UTC in milliseconds, positive east of Greenwich.
        'timezone-offset': -now.getTimezoneOffset() * 60_000,
        'flink-version': ctx.facade.version.version,
        'flink-revision': ctx.facade.version.revision,
        features: {
          'web-submit': ctx.webSubmitEnabled,
          'web-cancel': ctx.webCancelEnabled,
          'web-rescale': false,
          'web-history': false,
        },
      }),
    );
  });

  router.add('GET', '/overview', async () => {
    const overview = await ctx.facade.getClusterOverview();
    const count = (status: 'FINISHED' | 'CANCELED' | 'FAILED'): number => overview.jobsByStatus[status] ?? 0;
    let running = 0;
    for (const [status, n] of Object.entries(overview.jobsByStatus)) {
      // Flink's "jobs-running" is every job not yet globally terminal (running or pending).
      if (!isGloballyTerminal(status as 'RUNNING')) running += n;
    }
    return jsonResponse({
      taskmanagers: overview.taskManagers,
      'slots-total': overview.slotsTotal,
      'slots-available': overview.slotsAvailable,
      'jobs-running': running,
      'jobs-finished': count('FINISHED'),
      'jobs-cancelled': count('CANCELED'),
      'jobs-failed': count('FAILED'),
      'flink-version': ctx.facade.version.version,
      'flink-commit': ctx.facade.version.revision,
    });
  });

  router.add('DELETE', '/cluster', async () => {
    ctx.logger.info('Shutting down the cluster, as requested through the REST API.');
    await ctx.facade.shutDownCluster();
    return emptyResponse(200);
  });
}
