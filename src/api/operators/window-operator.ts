import type { OutputTag } from '../common/output-tag.js';
import type { InternalTimer, InternalTimerService, StreamOperatorStateContext, Triggerable } from '../state/operator-state-context.js';
import type { MapState } from '../state/state.js';
import type { KeyedStateStore } from '../state/state-stores.js';
import type { EvictorContext } from '../windowing/evictor.js';
import type { ProcessWindowContext } from '../windowing/process-window-function.js';
import type { PerWindowKey } from './per-window-state-store.js';
import type { OnMergeContext, Trigger, TriggerState } from '../windowing/trigger.js';
import type { Window } from '../windowing/window.js';
import type { WindowAssigner, WindowAssignerContext } from '../windowing/window-assigner.js';
import type { WindowContents } from './window-contents.js';
import type { OneInputStreamOperator } from './stream-operator.js';
import { MapStateDescriptor } from '../state/state-descriptor.js';
import { clearWindowFunction } from '../windowing/process-window-function.js';
import { PerWindowStateStore } from './per-window-state-store.js';
import { isFire, isPurge } from '../windowing/trigger.js';
import { MAX_TIMESTAMP } from '../windowing/window.js';
import { isMergingAssigner } from '../windowing/window-assigner.js';
import { AbstractStreamOperator, TimestampedCollector } from './abstract-stream-operator.js';

/** The timer service of window operators in the keyed backend (and its snapshots). */
export const WINDOW_TIMERS = 'window-timers';

/**
 * A window's contents as stored: the window itself too, so a key's windows can be listed (sessions).
 * Contents are null once a merging window was purged: the window stays known until its cleanup, so
 * later elements still merge into it (Flink keeps it in the MergingWindowSet).
 */
interface StoredWindow<ACC> {
  start: number | null;
  end: number | null;
  contents: ACC | null;
}

export interface WindowOperatorOptions<IN, K, ACC, OUT, W extends Window> {
  assigner: WindowAssigner<IN, W>;
  trigger: Trigger<IN, W>;
  keySelector: (value: IN) => K;
  contents: WindowContents<IN, ACC, OUT, K, W>;
  allowedLateness: number;
  lateDataOutputTag?: OutputTag<IN> | undefined;
  /** The rich function whose lifecycle the operator drives (the process function, if any). */
  userFunction?: unknown;
}

/**
 * Flink's WindowOperator: assigns each element to windows, keeps each window's contents in keyed
 * state (a map by window, since keyed state has no namespaces here) and asks the trigger when to
 * emit. Timers use the window as namespace, so they are checkpointed with the key. Output carries
 * the window's maxTimestamp.
 */
export class WindowOperator<IN, K, ACC, OUT, W extends Window>
  extends AbstractStreamOperator<OUT>
  implements OneInputStreamOperator<IN>, Triggerable
{
  private readonly assigner: WindowAssigner<IN, W>;
  private readonly trigger: Trigger<IN, W>;
  private readonly contentsFn: WindowContents<IN, ACC, OUT, K, W>;
  private readonly allowedLateness: number;
  private readonly lateTag: OutputTag<IN> | undefined;
  private readonly keySelector: (value: IN) => K;
  private windows!: MapState<string, StoredWindow<ACC>>;
  private triggerState!: MapState<string, unknown>;
  private perWindowState!: PerWindowStateStore;
  private timers!: InternalTimerService;
  private collector!: TimestampedCollector<OUT>;
  private readonly ctx = new WindowContext<W>(this);
  /** Flink's numLateRecordsDropped, for elements dropped without a side output. */
  numLateRecordsDropped = 0;

  constructor(options: WindowOperatorOptions<IN, K, ACC, OUT, W>) {
    super(options.userFunction);
    if (options.allowedLateness < 0) throw new RangeError('The allowed lateness cannot be negative.');
    this.assigner = options.assigner;
    this.trigger = options.trigger;
    this.contentsFn = options.contents;
    this.allowedLateness = options.allowedLateness;
    this.lateTag = options.lateDataOutputTag;
    this.keySelector = options.keySelector;
    if (isMergingAssigner(this.assigner) && !this.trigger.canMerge()) {
      throw new Error(`A merging window assigner cannot be used with a trigger that does not support merging (${this.trigger.constructor.name}).`);
    }
  }

  override async initializeState(context: StreamOperatorStateContext): Promise<void> {
    await super.initializeState(context);
    const backend = context.keyedStateBackend;
    if (backend === undefined) throw new Error('The window operator runs on a keyed stream only (keyBy, or windowAll).');
    this.windows = backend.getMapState(new MapStateDescriptor<string, StoredWindow<ACC>>('window-contents'));
    this.triggerState = backend.getMapState(new MapStateDescriptor<string, unknown>('window-trigger-state'));
    const perWindow = backend.getMapState(new MapStateDescriptor<PerWindowKey, unknown>('window-function-state'));
    this.perWindowState = new PerWindowStateStore(perWindow, () => this.ctx.window().stateKey());
    this.timers = backend.getInternalTimerService(WINDOW_TIMERS, this);
  }

  override async open(): Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    await super.open();
  }

  processElement(value: IN, timestamp: number): void {
    const key = this.keySelector(value);
    const assigned = this.assigner.assignWindows(value, timestamp, this.assignerContext);
    let skipped = true;
    for (const assignedWindow of assigned) {
      const window = isMergingAssigner(this.assigner) ? this.addMergingWindow(key, assignedWindow) : assignedWindow;
      // Late windows are skipped. Only a new session that merged with nothing can be late (any
      // window kept has its cleanup ahead of the watermark); Flink retires it from the merging set.
      if (this.isWindowLate(window)) {
        if (isMergingAssigner(this.assigner)) this.windows.remove(window.stateKey());
        continue;
      }
      skipped = false;
      const stored = this.windows.get(window.stateKey());
      const contents = this.contentsFn.add(stored?.contents ?? undefined, value, timestamp);
      if (stored === undefined) {
        this.putContents(window, contents);
      } else {
        // The stored entry is reused: one allocation less per element and window.
        stored.contents = contents;
        this.windows.put(window.stateKey(), stored);
      }
      this.ctx.bind(key, window);
      const result = this.trigger.onElement(value, timestamp, window, this.ctx);
      if (isFire(result)) this.emitWindow(key, window);
      if (isPurge(result)) this.purge(window);
      // A window with contents already has its cleanup timer (registered with its first element;
      // it goes only with the contents): registering it again is a lookup per element for nothing.
      if (stored === undefined || isMergingAssigner(this.assigner)) this.registerCleanupTimer(window);
    }
    // Flink's rule: dropped only if every window was late and the element itself is beyond lateness.
    if (skipped && this.isElementLate(timestamp)) {
      if (this.lateTag !== undefined) this.output.collectSide(this.lateTag, value, timestamp);
      else this.numLateRecordsDropped++;
    }
  }

  override processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    this.timers.advanceWatermark(watermark);
    super.processWatermark(watermark);
  }

  onEventTime(timer: InternalTimer): void {
    const window = this.assigner.windowFromNamespace(timer.namespace);
    // A timer of a session that has merged into another is stale: its trigger state moved on.
    if (isMergingAssigner(this.assigner) && !this.windows.contains(window.stateKey())) return;
    const key = timer.key as K;
    this.ctx.bind(key, window);
    const result = this.trigger.onEventTime(timer.timestamp, window, this.ctx);
    this.afterTimer(key, window, result);
    if (this.assigner.isEventTime() && this.cleanupTime(window) === timer.timestamp) this.clearAllState(key, window);
  }

  onProcessingTime(timer: InternalTimer): void {
    const window = this.assigner.windowFromNamespace(timer.namespace);
    if (isMergingAssigner(this.assigner) && !this.windows.contains(window.stateKey())) return;
    const key = timer.key as K;
    this.ctx.bind(key, window);
    const result = this.trigger.onProcessingTime(timer.timestamp, window, this.ctx);
    this.afterTimer(key, window, result);
    if (!this.assigner.isEventTime() && this.cleanupTime(window) === timer.timestamp) this.clearAllState(key, window);
  }

  private afterTimer(key: K, window: W, result: ReturnType<Trigger<IN, W>['onEventTime']>): void {
    if (isFire(result)) this.emitWindow(key, window);
    if (isPurge(result)) this.purge(window);
  }

  /** Drops the contents; a merging window stays known (empty) so later elements merge into it. */
  private purge(window: W): void {
    if (isMergingAssigner(this.assigner)) this.putContents(window, null);
    else this.windows.remove(window.stateKey());
  }

  /**
   * Adds a session window to the key's windows, merging it with every window it touches: their
   * contents are combined under the merged window, their triggers cleared and the trigger told
   * about the merge. Returns the window the element belongs to.
   */
  private addMergingWindow(key: K, window: W): W {
    if (!isMergingAssigner(this.assigner)) return window;
    const existing: W[] = [];
    for (const stored of this.windows.values()) existing.push(this.assigner.windowFromNamespace(stored));
    let result = window;
    this.assigner.mergeWindows([...existing, window], (merged, cover) => {
      if (!merged.some((w) => w.stateKey() === window.stateKey())) return;
      result = cover;
      let contents: ACC | undefined;
      const mergedTriggerStates: W[] = [];
      for (const w of merged) {
        const stored = this.windows.get(w.stateKey());
        if (stored === undefined) continue;
        mergedTriggerStates.push(w);
        if (stored.contents === null) continue;
        contents = contents === undefined ? stored.contents : this.contentsFn.merge(contents, stored.contents);
      }
      // Clear the merged windows' triggers and cleanup timers first: their state moves to `cover`.
      const triggerValues = new Map<string, unknown[]>();
      for (const w of mergedTriggerStates) {
        for (const [name, v] of this.triggerStatesOf(w)) triggerValues.set(name, [...(triggerValues.get(name) ?? []), v]);
        this.ctx.bind(key, w);
        this.trigger.clear(w, this.ctx);
        this.deleteCleanupTimer(w);
        this.windows.remove(w.stateKey());
      }
      this.putContents(cover, contents ?? null);
      this.ctx.bind(key, cover);
      this.ctx.mergedTriggerValues = triggerValues;
      this.trigger.onMerge(cover, this.ctx);
      this.ctx.mergedTriggerValues = undefined;
      this.registerCleanupTimer(cover);
    });
    return result;
  }

  private triggerStatesOf(window: W): [string, unknown][] {
    const prefix = `${window.stateKey()}|`;
    const found: [string, unknown][] = [];
    for (const [k, v] of this.triggerState.entries()) if (k.startsWith(prefix)) found.push([k.slice(prefix.length), v]);
    return found;
  }

  private putContents(window: W, contents: ACC | null): void {
    const w = window as unknown as { start?: number; end?: number };
    this.windows.put(window.stateKey(), { start: w.start ?? null, end: w.end ?? null, contents });
  }

  private emitWindow(key: K, window: W): void {
    const stored = this.windows.get(window.stateKey());
    if (stored === undefined || stored.contents === null) return;
    this.collector.timestamp = window.maxTimestamp();
    this.ctx.bind(key, window);
    const kept = this.contentsFn.emit(key, window, stored.contents, this.ctx, this.collector);
    if (kept !== stored.contents) this.putContents(window, kept);
  }

  /** The window's cleanup: contents, trigger, then the function's `clear` and its per-window state (Flink's clearAllState). */
  private clearAllState(key: K, window: W): void {
    this.windows.remove(window.stateKey());
    this.ctx.bind(key, window);
    this.trigger.clear(window, this.ctx);
    for (const [name] of this.triggerStatesOf(window)) this.triggerState.remove(`${window.stateKey()}|${name}`);
    clearWindowFunction(this.userFunction, this.ctx);
    // Unlike Flink, state the function forgot to clear does not outlive its window.
    this.perWindowState.clearWindow(window.stateKey());
  }

  /** When the window's state goes: maxTimestamp + allowed lateness in event time, its end in processing time. */
  private cleanupTime(window: W): number {
    if (!this.assigner.isEventTime()) return window.maxTimestamp();
    const time = window.maxTimestamp() + this.allowedLateness;
    return time >= window.maxTimestamp() && time < MAX_TIMESTAMP ? time : MAX_TIMESTAMP;
  }

  private registerCleanupTimer(window: W): void {
    const time = this.cleanupTime(window);
    if (time === MAX_TIMESTAMP) return; // never reached: the global window
    if (this.assigner.isEventTime()) this.timers.registerEventTimeTimer(time, window);
    else this.timers.registerProcessingTimeTimer(time, window);
  }

  private deleteCleanupTimer(window: W): void {
    const time = this.cleanupTime(window);
    if (time === MAX_TIMESTAMP) return;
    if (this.assigner.isEventTime()) this.timers.deleteEventTimeTimer(time, window);
    else this.timers.deleteProcessingTimeTimer(time, window);
  }

  private isWindowLate(window: W): boolean {
    return this.assigner.isEventTime() && this.cleanupTime(window) <= this.currentWatermark;
  }

  private isElementLate(timestamp: number): boolean {
    return this.assigner.isEventTime() && timestamp + this.allowedLateness <= this.currentWatermark;
  }

  private readonly assignerContext: WindowAssignerContext = {
    getCurrentProcessingTime: () => this.now(),
  };

  /** Exposed to the context; not part of the operator contract. */
  now(): number {
    return this.timers.currentProcessingTime();
  }
  watermark(): number {
    return this.currentWatermark;
  }
  timerService(): InternalTimerService {
    return this.timers;
  }
  windowStateStore(): PerWindowStateStore {
    if (isMergingAssigner(this.assigner)) throw new Error('Per-window state is not allowed when using merging windows.');
    return this.perWindowState;
  }
  triggerStateMap(): MapState<string, unknown> {
    return this.triggerState;
  }
  keyedStore(): KeyedStateStore {
    const backend = this.keyedStateBackend;
    if (backend === undefined) throw new Error('No keyed state backend.');
    return backend;
  }
  emitSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    this.output.collectSide(tag, value, timestamp);
  }
}

/**
 * One reused context for triggers, evictors and process functions, bound to the current key and
 * window before each call.
 */
class WindowContext<W extends Window> implements OnMergeContext, ProcessWindowContext<W>, EvictorContext {
  key: unknown;
  private current!: W;
  mergedTriggerValues: Map<string, unknown[]> | undefined;

  constructor(private readonly operator: WindowOperator<never, unknown, unknown, unknown, W>) {}

  bind(key: unknown, window: W): void {
    this.key = key;
    this.current = window;
  }

  window(): W {
    return this.current;
  }
  getCurrentProcessingTime(): number {
    return this.operator.now();
  }
  currentProcessingTime(): number {
    return this.operator.now();
  }
  getCurrentWatermark(): number {
    return this.operator.watermark();
  }
  currentWatermark(): number {
    return this.operator.watermark();
  }
  registerEventTimeTimer(time: number): void {
    this.operator.timerService().registerEventTimeTimer(time, this.current);
  }
  registerProcessingTimeTimer(time: number): void {
    this.operator.timerService().registerProcessingTimeTimer(time, this.current);
  }
  deleteEventTimeTimer(time: number): void {
    this.operator.timerService().deleteEventTimeTimer(time, this.current);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.operator.timerService().deleteProcessingTimeTimer(time, this.current);
  }
  getPartitionedState<T>(name: string): TriggerState<T> {
    const map = this.operator.triggerStateMap();
    const id = `${this.current.stateKey()}|${name}`;
    return {
      value: () => (map.get(id) as T | undefined) ?? null,
      update: (value) => map.put(id, value),
      clear: () => map.remove(id),
    };
  }
  mergePartitionedState<T>(name: string, combine: (a: T, b: T) => T): void {
    const values = (this.mergedTriggerValues?.get(name) ?? []) as T[];
    const own = this.getPartitionedState<T>(name);
    const all = own.value() === null ? values : [own.value() as T, ...values];
    if (all.length > 0) own.update(all.reduce((a, b) => combine(a, b)));
  }
  windowState(): KeyedStateStore {
    return this.operator.windowStateStore();
  }
  globalState(): KeyedStateStore {
    return this.operator.keyedStore();
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.operator.emitSide(tag, value, this.current.maxTimestamp());
  }
}
