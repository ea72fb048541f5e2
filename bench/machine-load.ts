import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/**
 * How busy the machine is, printed with every cluster benchmark: on a shared 2-vCPU machine other
 * work moves these results more than most code changes do, so a reader needs both to judge a run.
 */
export interface MachineLoad {
  /** 1-minute load average. */
  readonly loadAverage: number;
  /**
   * Linux CPU pressure (`/proc/pressure/cpu`, "some" avg10): the share of the last 10 s in which
   * at least one runnable task waited for a CPU, in percent. NaN where the kernel has no PSI.
   */
  readonly cpuPressure: number;
}

export function machineLoad(): MachineLoad {
  let cpuPressure = Number.NaN;
  try {
    const match = /^some avg10=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    if (match !== null) cpuPressure = Number(match[1]);
  } catch {
    // No PSI (older kernel, not Linux): the load average still says something.
  }
  return { loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100, cpuPressure };
}

export function describeLoad(load: MachineLoad): string {
  const pressure = Number.isNaN(load.cpuPressure) ? '' : `, CPU pressure ${load.cpuPressure.toFixed(0)}% (tasks waiting for a CPU)`;
  return `load average ${load.loadAverage.toFixed(2)}${pressure}`;
}
