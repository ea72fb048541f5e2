import type { OnMergeContext, TriggerContext } from './trigger.js';
import type { TimeWindow } from './time-window.js';
import { Trigger, TriggerResult } from './trigger.js';

const FIRE_TIME = 'fire-time';

/**
 * Fires every `interval` of event time while the window is open, and at its end (Flink's
 * ContinuousEventTimeTrigger). Firing times are aligned to multiples of the interval, so early
 * results come at predictable points; the next firing time is kept in trigger state.
 */
export class ContinuousEventTimeTrigger extends Trigger<unknown, TimeWindow> {
  private constructor(private readonly interval: number) {
    super();
  }
  static of(interval: number): ContinuousEventTimeTrigger {
    if (!(interval > 0)) throw new RangeError(`The interval must be > 0 (was ${interval}).`);
    return new ContinuousEventTimeTrigger(interval);
  }

  onElement(_element: unknown, timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    const fireTime = ctx.getPartitionedState<number>(FIRE_TIME);
    if (fireTime.value() === null) this.registerNext(timestamp - (timestamp % this.interval), window, ctx);
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return TriggerResult.FIRE;
    const fireTime = ctx.getPartitionedState<number>(FIRE_TIME);
    if (fireTime.value() === time) {
      fireTime.clear();
      this.registerNext(time, window, ctx);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(window: TimeWindow, ctx: TriggerContext): void {
    const fireTime = ctx.getPartitionedState<number>(FIRE_TIME);
    const time = fireTime.value();
    if (time !== null) ctx.deleteEventTimeTimer(time);
    fireTime.clear();
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    ctx.mergePartitionedState<number>(FIRE_TIME, (a, b) => Math.min(a, b));
    const time = ctx.getPartitionedState<number>(FIRE_TIME).value();
    if (time !== null) ctx.registerEventTimeTimer(time);
    if (window.maxTimestamp() > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(window.maxTimestamp());
  }

  /** The next interval boundary after `from`, but never past the window's end. */
  private registerNext(from: number, window: TimeWindow, ctx: TriggerContext): void {
    const next = Math.min(from + this.interval, window.maxTimestamp());
    ctx.getPartitionedState<number>(FIRE_TIME).update(next);
    ctx.registerEventTimeTimer(next);
  }
  override toString(): string {
    return `ContinuousEventTimeTrigger(${this.interval})`;
  }
}
