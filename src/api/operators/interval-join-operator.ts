import type { OutputTag } from '../common/output-tag.js';
import type { Collector } from '../common/records.js';
import type { ProcessJoinContext, ProcessJoinFunctionLike } from '../functions/join-functions.js';
import type { InternalTimer, InternalTimerService, KeyedStateBackend, StreamOperatorStateContext, Triggerable } from '../state/operator-state-context.js';
import type { MapState } from '../state/state.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { MapStateDescriptor } from '../state/state-descriptor.js';
import { TimestampedCollector } from './abstract-stream-operator.js';
import { AbstractTwoInputOperator } from './co-operators.js';

/** The operator's timer service in the keyed backend (and its snapshots); Flink's name. */
export const CLEANUP_TIMER = 'CLEANUP_TIMER';
/** Timer namespaces: whose buffer a cleanup timer empties. */
const CLEANUP_NAMESPACE_LEFT = 'CLEANUP_LEFT';
const CLEANUP_NAMESPACE_RIGHT = 'CLEANUP_RIGHT';

/** A buffered element (Flink's BufferEntry); plain data, so it is snapshotted like any state value. */
interface BufferEntry<T> {
  readonly element: T;
  readonly hasBeenJoined: boolean;
}

export interface IntervalJoinOptions<T1, T2, OUT> {
  lowerBound: number;
  upperBound: number;
  lowerBoundInclusive: boolean;
  upperBoundInclusive: boolean;
  fn: ProcessJoinFunctionLike<T1, T2, OUT>;
  leftLateDataOutputTag?: OutputTag<T1> | undefined;
  rightLateDataOutputTag?: OutputTag<T2> | undefined;
}

/**
 * Flink's IntervalJoinOperator: joins each left element at time t with every right element of the
 * same key whose time lies in [t + lowerBound, t + upperBound]. Both sides wait in keyed MapState
 * by timestamp (so they are checkpointed and move with their key group on rescale); each element
 * gets an event-time cleanup timer for when no element that is not late can join it any more.
 * Elements behind the watermark are late and dropped (or sent to a late-data side output).
 * Results carry the larger of the pair's timestamps.
 */
export class IntervalJoinOperator<T1, T2, OUT> extends AbstractTwoInputOperator<T1, T2, OUT> implements Triggerable {
  /** Bounds with exclusivity folded in (a 1 ms shift, as Flink does), so matching needs no flags. */
  private readonly lowerBound: number;
  private readonly upperBound: number;
  private readonly fn: (left: T1, right: T2, ctx: ProcessJoinContext, out: Collector<OUT>) => void;
  private readonly leftLateTag: OutputTag<T1> | undefined;
  private readonly rightLateTag: OutputTag<T2> | undefined;
  private leftBuffer!: MapState<number, BufferEntry<T1>[]>;
  private rightBuffer!: MapState<number, BufferEntry<T2>[]>;
  private timers!: InternalTimerService;
  private backend!: KeyedStateBackend;
  private collector!: TimestampedCollector<OUT>;
  private readonly context = new IntervalJoinContext(this);
  /** The watermark the cleanup timers have been advanced to. */
  private timersWatermark = Number.NEGATIVE_INFINITY;

  constructor(options: IntervalJoinOptions<T1, T2, OUT>) {
    super(options.fn);
    checkBounds(options.lowerBound, options.upperBound);
    this.lowerBound = options.lowerBoundInclusive ? options.lowerBound : options.lowerBound + 1;
    this.upperBound = options.upperBoundInclusive ? options.upperBound : options.upperBound - 1;
    const fn = options.fn;
    this.fn = typeof fn === 'function' ? fn : (left, right, ctx, out) => fn.processElement(left, right, ctx, out);
    this.leftLateTag = options.leftLateDataOutputTag;
    this.rightLateTag = options.rightLateDataOutputTag;
  }

  override async initializeState(context: StreamOperatorStateContext): Promise<void> {
    await super.initializeState(context);
    const backend = context.keyedStateBackend;
    if (backend === undefined) throw new Error('The interval join runs on two keyed streams: keyBy both inputs before intervalJoin().');
    this.backend = backend;
    this.leftBuffer = backend.getMapState(new MapStateDescriptor<number, BufferEntry<T1>[]>('LEFT_BUFFER'));
    this.rightBuffer = backend.getMapState(new MapStateDescriptor<number, BufferEntry<T2>[]>('RIGHT_BUFFER'));
    this.timers = backend.getInternalTimerService(CLEANUP_TIMER, this);
  }

  override async open(): Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    await super.open();
  }

  processElement1(value: T1, timestamp: number): void {
    this.syncTimers();
    if (this.isLate(value, timestamp, 'left', this.leftLateTag)) return;
    addToBuffer(this.leftBuffer, value, timestamp);
    for (const [rightTs, bucket] of this.rightBuffer.entries()) {
      if (rightTs < timestamp + this.lowerBound || rightTs > timestamp + this.upperBound) continue;
      for (const entry of bucket) this.collect(value, entry.element, timestamp, rightTs);
    }
    const cleanupTime = this.upperBound > 0 ? timestamp + this.upperBound : timestamp;
    this.timers.registerEventTimeTimer(cleanupTime, CLEANUP_NAMESPACE_LEFT);
  }

  processElement2(value: T2, timestamp: number): void {
    this.syncTimers();
    if (this.isLate(value, timestamp, 'right', this.rightLateTag)) return;
    addToBuffer(this.rightBuffer, value, timestamp);
    // Seen from the right: left times in [t - upperBound, t - lowerBound].
    for (const [leftTs, bucket] of this.leftBuffer.entries()) {
      if (leftTs < timestamp - this.upperBound || leftTs > timestamp - this.lowerBound) continue;
      for (const entry of bucket) this.collect(entry.element, value, leftTs, timestamp);
    }
    const cleanupTime = -this.lowerBound > 0 ? timestamp - this.lowerBound : timestamp;
    this.timers.registerEventTimeTimer(cleanupTime, CLEANUP_NAMESPACE_RIGHT);
  }

  override processWatermark1(watermark: number): void {
    super.processWatermark1(watermark);
    this.syncTimers();
  }
  override processWatermark2(watermark: number): void {
    super.processWatermark2(watermark);
    this.syncTimers();
  }

  /** Cleanup timers only drop state, so they may fire after the watermark went downstream. */
  onEventTime(timer: InternalTimer): void {
    const time = timer.timestamp;
    if (timer.namespace === CLEANUP_NAMESPACE_LEFT) {
      this.leftBuffer.remove(this.upperBound <= 0 ? time : time - this.upperBound);
    } else if (timer.namespace === CLEANUP_NAMESPACE_RIGHT) {
      this.rightBuffer.remove(this.lowerBound <= 0 ? time + this.lowerBound : time);
    } else {
      throw new Error(`Invalid namespace of an interval join cleanup timer: ${String(timer.namespace)}`);
    }
  }

  onProcessingTime(): void {
    // The interval join sets event-time timers only.
  }

  /**
   * Advances the cleanup timers to the operator's watermark. The two-input base decides when the
   * combined watermark moves; this catches up after any call that may have moved it. Timers set
   * the backend's current key, so the record's key is put back when this runs before a record.
   */
  private syncTimers(): void {
    const watermark = this.currentWatermark;
    if (!(watermark > this.timersWatermark)) return;
    this.timersWatermark = watermark;
    const key = this.backend.getCurrentKey();
    this.timers.advanceWatermark(watermark);
    this.backend.setCurrentKey(key);
  }

  /** Flink's rule: an element is late when its timestamp is behind the current watermark. */
  private isLate<T>(value: T, timestamp: number, side: 'left' | 'right', lateTag: OutputTag<T> | undefined): boolean {
    if (timestamp === NO_TIMESTAMP || !Number.isFinite(timestamp)) {
      throw new Error(
        `The interval join needs event-time timestamps, but an element of the ${side} input has none. ` +
          'Assign them with assignTimestampsAndWatermarks(WatermarkStrategy...) or fromSource(source, WatermarkStrategy...).',
      );
    }
    if (!(timestamp < this.currentWatermark)) return false;
    if (lateTag !== undefined) this.output.collectSide(lateTag, value, timestamp);
    return true;
  }

  private collect(left: T1, right: T2, leftTimestamp: number, rightTimestamp: number): void {
    const resultTimestamp = Math.max(leftTimestamp, rightTimestamp);
    this.collector.timestamp = resultTimestamp;
    this.context.leftTimestamp = leftTimestamp;
    this.context.rightTimestamp = rightTimestamp;
    this.context.resultTimestamp = resultTimestamp;
    this.fn(left, right, this.context, this.collector);
  }

  /** Exposed to the context; not part of the operator contract. */
  emitSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    this.output.collectSide(tag, value, timestamp);
  }
}

/** Flink's precondition, with what to change. */
export function checkBounds(lowerBound: number, upperBound: number): void {
  if (!Number.isFinite(lowerBound) || !Number.isFinite(upperBound)) {
    throw new RangeError(`The interval join bounds must be finite numbers of milliseconds (were ${lowerBound} and ${upperBound}).`);
  }
  if (lowerBound > upperBound) {
    throw new RangeError(
      `The interval join's lower bound (${lowerBound} ms) is greater than its upper bound (${upperBound} ms): lowerBound <= upperBound must be fulfilled.`,
    );
  }
}

/** Adds to the element's timestamp bucket; a new list each time, so state never changes behind the backend's back. */
function addToBuffer<T>(buffer: MapState<number, BufferEntry<T>[]>, element: T, timestamp: number): void {
  const bucket = buffer.get(timestamp) ?? [];
  buffer.put(timestamp, [...bucket, { element, hasBeenJoined: false }]);
}

/** One reused context, set before each call of the join function. */
class IntervalJoinContext implements ProcessJoinContext {
  leftTimestamp = NO_TIMESTAMP;
  rightTimestamp = NO_TIMESTAMP;
  resultTimestamp = NO_TIMESTAMP;

  constructor(private readonly operator: IntervalJoinOperator<never, never, unknown>) {}

  getLeftTimestamp(): number {
    return this.leftTimestamp;
  }
  getRightTimestamp(): number {
    return this.rightTimestamp;
  }
  getTimestamp(): number {
    return this.resultTimestamp;
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.operator.emitSide(tag, value, this.resultTimestamp);
  }
}
