/**
 * `npm run bench -- <name>...`: runs the named benchmarks (all when none is named). Each measures
 * flink-ts and its baseline in the same run, prints both and their ratio, and ends with one JSON
 * line `{"bench": …, "ratio": …, …}` that tools can read. Benchmarks never fail on a target: they
 * report, tests assert.
 */
import { wordcountLocal } from './wordcount-local.js';
import { backpressure } from './backpressure.js';
import { sshStartup } from './ssh-startup.js';
import { sshPerJob } from './ssh-per-job.js';
import { wordcountCluster } from './wordcount-cluster.js';
import { latency } from './latency.js';
import { startup } from './startup.js';
import { poolAllocation } from './pool-allocation.js';
import { pool } from './pool.js';
import { checkpointOverhead } from './checkpoint-overhead.js';
import { recovery } from './recovery.js';
import { nexmark } from './nexmark.js';

const BENCHES: Record<string, () => Promise<Record<string, unknown>>> = {
  'wordcount-local': wordcountLocal,
  backpressure,
  'wordcount-cluster': wordcountCluster,
  latency,
  startup,
  'ssh-startup': sshStartup,
  'ssh-per-job': sshPerJob,
  'pool-allocation': poolAllocation,
  pool,
  'checkpoint-overhead': checkpointOverhead,
  recovery,
  nexmark,
};

const requested = process.argv.slice(2);
const unknown = requested.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : Object.keys(BENCHES)) {
  console.log(`== ${name}`);
  const result = await (BENCHES[name] as () => Promise<Record<string, unknown>>)();
  console.log(JSON.stringify({ bench: name, ...result }));
}
