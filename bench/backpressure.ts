import { runCli } from './cli.js';

const RUN_MS = 10_000;
const RSS_TARGET_MB = 300;

/**
 * A fast source against a sink limited to 1000 records/s: the CLI process (the whole local
 * cluster) must keep its resident memory under 300 MB while the job runs. The baseline is the
 * RSS of the same CLI running a job that ends at once, so the ratio shows what backpressure costs.
 */
export async function backpressure(): Promise<Record<string, unknown>> {
  const idle = await runCli(['run', 'test/fixtures/jobs/print-elements.ts']);
  const run = await runCli(['run', 'bench/jobs/backpressure.ts'], { stopAfterMs: RUN_MS });
  if (!/CANCELED|canceled|cancelled/i.test(run.stdout + run.stderr)) {
    throw new Error(`The backpressure job did not end canceled:\n${run.stdout}\n${run.stderr}`);
  }
  console.log(`max RSS of a trivial job:       ${idle.maxRssMb.toFixed(0)} MB`);
  console.log(`max RSS under backpressure:     ${run.maxRssMb.toFixed(0)} MB over ${RUN_MS / 1000} s (target < ${RSS_TARGET_MB} MB)`);
  return {
    ratio: Math.round((run.maxRssMb / idle.maxRssMb) * 100) / 100,
    maxRssMb: Math.round(run.maxRssMb),
    baselineRssMb: Math.round(idle.maxRssMb),
    targetRssMb: RSS_TARGET_MB,
  };
}
