import type { StreamPartitioner } from '../../api/partitioner/stream-partitioner.js';
import type { ResultPartition } from './result-partition.js';
import type { ResultSubpartition } from './result-subpartition.js';
import { NO_TIMESTAMP } from '../../api/common/records.js';

/** Routes each record to a subpartition with the edge's partitioner (Flink's RecordWriter). */
export class RecordWriter {
  /** Records emitted, for the task's numRecordsOut. */
  emitted = 0;
  private readonly subpartitions: ResultSubpartition[];
  private readonly broadcast: boolean;
  private readonly single: ResultSubpartition | undefined;

  constructor(
    readonly partition: ResultPartition,
    private readonly partitioner: StreamPartitioner,
    /** Buffer timeout 0: every record is flushed at once (Flink's lowest-latency setting). */
    private readonly flushAlways: boolean,
  ) {
    this.subpartitions = partition.subpartitions;
    this.broadcast = partitioner.isBroadcast();
    this.single = this.subpartitions.length === 1 ? this.subpartitions[0] : undefined;
  }

  emit(value: unknown, timestamp: number): void {
    this.emitted++;
    const hasTimestamp = timestamp !== NO_TIMESTAMP;
    if (this.single !== undefined) {
      this.single.add(value, timestamp, hasTimestamp);
      if (this.flushAlways) this.single.flush();
      return;
    }
    if (this.broadcast) {
      for (const s of this.subpartitions) {
        s.add(value, timestamp, hasTimestamp);
        if (this.flushAlways) s.flush();
      }
      return;
    }
    const target = this.subpartitions[this.partitioner.selectChannel(value)] as ResultSubpartition;
    target.add(value, timestamp, hasTimestamp);
    if (this.flushAlways) target.flush();
  }
}
