import type { OpenContext } from 'flink-ts';
import { RichSinkFunction } from 'flink-ts';

/**
 * Nexmark's `blackhole` sink: drops every record, so the sink is never what limits a query. It
 * counts them and measures the run from its own open to its close: process CPU time (all
 * threads: slot workers are threads of one process) and wall time. It reports them through
 * accumulators, one name per subtask (counters are summed over subtasks, so a per-subtask name
 * keeps each value intact): the benchmark takes the earliest open and the latest close.
 */
export class BlackholeSink<T> extends RichSinkFunction<T> {
  private count = 0;
  private openCpuUs = 0;
  private openMs = 0;

  override open(_context: OpenContext): void {
    this.count = 0;
    const cpu = process.cpuUsage();
    this.openCpuUs = cpu.user + cpu.system;
    this.openMs = Date.now();
  }

  invoke(_value: T): void {
    this.count++;
  }

  override close(): void {
    const cpu = process.cpuUsage();
    const ctx = this.getRuntimeContext();
    const subtask = ctx.getIndexOfThisSubtask();
    ctx.getLongCounter('results').add(this.count);
    ctx.getLongCounter(`openCpuUs-${subtask}`).add(this.openCpuUs);
    ctx.getLongCounter(`closeCpuUs-${subtask}`).add(cpu.user + cpu.system);
    ctx.getLongCounter(`openMs-${subtask}`).add(this.openMs);
    ctx.getLongCounter(`closeMs-${subtask}`).add(Date.now());
  }
}
