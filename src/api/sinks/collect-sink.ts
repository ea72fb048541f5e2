import type { Sink, SinkWriter, SinkWriterContext } from './sink.js';
import type { OperatorServices } from '../operators/stream-operator.js';

const BATCH_SIZE = 1000;
const BATCH_DELAY_MS = 100;

/**
 * What a collect writer sends to its coordinator: batches of values in order, then one final
 * `{ values: [], done: true }` at end of input.
 */
export interface CollectSinkBatch<T> {
  readonly values: T[];
  readonly done?: true;
}

/**
 * Ships the records to the client (`executeAndCollect`, `collectAsync`) through the operator's
 * coordinator on the JobMaster. With a `limit`, each writer sends at most that many values and
 * drops the rest, so a client that wants only the first few is not flooded.
 */
export class CollectSink<T> implements Sink<T> {
  readonly defaultName = 'Collect Sink';

  constructor(readonly limit?: number) {
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new TypeError(`CollectSink limit must be a non-negative integer, got ${limit}`);
    }
  }

  createWriter(context: SinkWriterContext): SinkWriter<T> {
    return new CollectWriter<T>(context.operatorId, context.services, this.limit ?? Number.POSITIVE_INFINITY);
  }
}

/** Batches values (up to 1000, or what arrived within 100 ms) into one coordinator message. */
class CollectWriter<T> implements SinkWriter<T> {
  private batch: T[] = [];
  private sent = 0;
  private finished = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly operatorId: string,
    private readonly services: OperatorServices,
    private readonly limit: number,
  ) {}

  write(value: T, _timestamp: number): void {
    if (this.sent + this.batch.length >= this.limit || this.finished) return;
    this.batch.push(value);
    if (this.batch.length >= BATCH_SIZE || this.sent + this.batch.length >= this.limit) {
      this.send();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.send();
      }, BATCH_DELAY_MS);
    }
  }

  flush(endOfInput: boolean): void {
    this.send();
    if (endOfInput && !this.finished) {
      this.finished = true;
      const last: CollectSinkBatch<T> = { values: [], done: true };
      this.services.sendToCoordinator(this.operatorId, last);
    }
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.batch = [];
  }

  private send(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.batch.length === 0) return;
    const message: CollectSinkBatch<T> = { values: this.batch };
    this.batch = [];
    this.sent += message.values.length;
    this.services.sendToCoordinator(this.operatorId, message);
  }
}
