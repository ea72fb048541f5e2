import type { InternalTimerService, Triggerable } from '../../api/state/operator-state-context.js';
import type { KeyContext } from './key-context.js';
import type { ProcessingTimeService } from './processing-time-service.js';
import type { HeapTimer } from './timer-heap.js';
import { toMapKey } from '../../core/map-key.js';
import { encodeMapKey } from './key-context.js';
import { TimerHeap } from './timer-heap.js';
import { TimerIndex } from './timer-index.js';
import { TimeWindow } from '../../api/windowing/time-window.js';

export type TimeDomainKind = 'event' | 'processing';

/** A timer as snapshots carry it: `[key, namespace, timestamp]`. */
export type TimerSnapshotEntry = [key: unknown, namespace: unknown, timestamp: number];

/** The encoded map key of the undefined namespace, the one process functions use. */
const NO_NAMESPACE = encodeMapKey(undefined);

/**
 * Heap-based timers of one operator (Flink's InternalTimerServiceImpl): one min-heap per time
 * domain plus an index by (key, namespace, time) that deduplicates and deletes in O(log n).
 * Firing sets the backend's current key to the timer's key, so the triggerable reads and writes
 * the timer key's state. Processing time keeps a single scheduled callback, for the earliest timer.
 */
export class HeapInternalTimerService implements InternalTimerService {
  private readonly eventTimers = new TimerHeap();
  private readonly processingTimers = new TimerHeap();
  private readonly eventIndex = new TimerIndex();
  private readonly processingIndex = new TimerIndex();
  private watermark = Number.NEGATIVE_INFINITY;
  private triggerable: Triggerable | undefined;
  private scheduled: { readonly time: number; cancel: () => void } | undefined;
  private seq = 0;
  private disposed = false;

  constructor(
    readonly name: string,
    private readonly keys: KeyContext,
    private readonly clock: ProcessingTimeService,
  ) {}

  /**
   * Starts the service for its operator. Restored timers wait for this: a processing-time timer
   * must not fire before the operator can handle it.
   */
  bind(triggerable: Triggerable): void {
    if (this.triggerable !== undefined && this.triggerable !== triggerable) {
      throw new Error(`The timer service '${this.name}' is already used by another triggerable.`);
    }
    this.triggerable = triggerable;
    this.scheduleNext();
  }

  currentProcessingTime(): number {
    return this.clock.now();
  }

  currentWatermark(): number {
    return this.watermark;
  }

  registerEventTimeTimer(time: number, namespace?: unknown): void {
    this.add('event', this.keys.currentKey, this.keys.currentMapKey, namespace, time);
  }

  registerProcessingTimeTimer(time: number, namespace?: unknown): void {
    this.add('processing', this.keys.currentKey, this.keys.currentMapKey, namespace, time);
    this.scheduleNext();
  }

  deleteEventTimeTimer(time: number, namespace?: unknown): void {
    this.remove(this.eventTimers, this.eventIndex, this.keys.currentMapKey, namespace, time);
  }

  deleteProcessingTimeTimer(time: number, namespace?: unknown): void {
    this.remove(this.processingTimers, this.processingIndex, this.keys.currentMapKey, namespace, time);
    if (this.processingTimers.size === 0) this.cancelScheduled();
  }

  advanceWatermark(watermark: number): void {
    this.watermark = watermark;
    const triggerable = this.triggerable;
    if (triggerable === undefined) return;
    // Peek again after each firing: a timer registered while firing, at or before the watermark,
    // fires in this same call.
    let timer = this.eventTimers.peek();
    while (timer !== undefined && timer.timestamp <= watermark) {
      this.eventTimers.pop();
      this.eventIndex.delete(timer);
      this.keys.setCurrentKeyAndMapKey(timer.key, timer.keyMapKey);
      triggerable.onEventTime(timer);
      timer = this.eventTimers.peek();
    }
  }

  /** Number of registered timers of a domain (tests, metrics). */
  numTimers(domain: TimeDomainKind): number {
    return domain === 'event' ? this.eventTimers.size : this.processingTimers.size;
  }

  /** Adds a timer for `key`, not the current key (restore). */
  restoreTimer(domain: TimeDomainKind, key: unknown, namespace: unknown, time: number): void {
    this.add(domain, key, toMapKey(key), namespace, time);
  }

  /** All timers of a domain, unordered (snapshots). */
  timers(domain: TimeDomainKind): readonly HeapTimer[] {
    return domain === 'event' ? this.eventTimers.values() : this.processingTimers.values();
  }

  /** After a restore: processing-time timers now include restored ones, some maybe overdue. */
  rescheduleProcessingTime(): void {
    this.cancelScheduled();
    this.scheduleNext();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelScheduled();
  }

  private add(domain: TimeDomainKind, key: unknown, keyMapKey: unknown, namespace: unknown, time: number): void {
    const index = domain === 'event' ? this.eventIndex : this.processingIndex;
    const namespaceKey = namespaceKeyOf(namespace);
    if (index.get(keyMapKey, namespaceKey, time) !== undefined) return;
    const timer: HeapTimer = { key, keyMapKey, namespace, timestamp: time, namespaceKey, seq: this.seq++, index: -1 };
    index.set(timer);
    (domain === 'event' ? this.eventTimers : this.processingTimers).push(timer);
  }

  private remove(heap: TimerHeap, index: TimerIndex, keyMapKey: unknown, namespace: unknown, time: number): void {
    const timer = index.get(keyMapKey, namespaceKeyOf(namespace), time);
    if (timer === undefined) return;
    index.delete(timer);
    heap.remove(timer);
  }

  private onProcessingTime(scheduledTime: number): void {
    const triggerable = this.triggerable;
    if (triggerable === undefined || this.disposed) return;
    // The clock promised to call at `scheduledTime`; a clock read a hair earlier must not skip it.
    const now = Math.max(this.clock.now(), scheduledTime);
    let timer = this.processingTimers.peek();
    while (timer !== undefined && timer.timestamp <= now) {
      this.processingTimers.pop();
      this.processingIndex.delete(timer);
      this.keys.setCurrentKeyAndMapKey(timer.key, timer.keyMapKey);
      triggerable.onProcessingTime(timer);
      timer = this.processingTimers.peek();
    }
    this.scheduleNext();
  }

  /** Makes sure a callback is scheduled for the earliest processing-time timer, and only one. */
  private scheduleNext(): void {
    if (this.triggerable === undefined || this.disposed) return;
    const head = this.processingTimers.peek();
    if (head === undefined) return;
    if (this.scheduled !== undefined) {
      if (this.scheduled.time <= head.timestamp) return;
      this.cancelScheduled();
    }
    const time = head.timestamp;
    // The entry exists before `schedule` is called, so a clock that runs overdue callbacks at once
    // finds it and clears it rather than leaving a stale one behind.
    const entry = { time, cancel: noop };
    this.scheduled = entry;
    const cancel = this.clock.schedule(time, () => {
      if (this.scheduled === entry) this.scheduled = undefined;
      this.onProcessingTime(time);
    });
    if (this.scheduled === entry) entry.cancel = cancel;
  }

  private cancelScheduled(): void {
    const scheduled = this.scheduled;
    this.scheduled = undefined;
    scheduled?.cancel();
  }
}

function noop(): void {
  // Nothing to cancel yet.
}

/** How the index keys a namespace: windows cache theirs, as it is asked for on every element. */
function namespaceKeyOf(namespace: unknown): string {
  if (namespace === undefined) return NO_NAMESPACE;
  return namespace instanceof TimeWindow ? namespace.namespaceKey(encodeNamespace) : encodeNamespace(namespace);
}

/** A namespace's part of a timer id; windows cache it (a restored window, a plain object, encodes the same). */
function encodeNamespace(namespace: unknown): string {
  return encodeMapKey(toMapKey(namespace));
}
