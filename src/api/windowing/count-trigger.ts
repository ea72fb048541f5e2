import type { OnMergeContext, TriggerContext } from './trigger.js';
import type { Window } from './window.js';
import { Trigger, TriggerResult } from './trigger.js';

const COUNT = 'count';

/** Fires every `maxCount` elements of a window; the count restarts after each firing (Flink's CountTrigger). */
export class CountTrigger<W extends Window = Window> extends Trigger<unknown, W> {
  private constructor(private readonly maxCount: number) {
    super();
  }
  static of<W extends Window = Window>(maxCount: number): CountTrigger<W> {
    return new CountTrigger<W>(maxCount);
  }

  onElement(_element: unknown, _timestamp: number, _window: W, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState<number>(COUNT);
    const next = (count.value() ?? 0) + 1;
    if (next >= this.maxCount) {
      count.clear();
      return TriggerResult.FIRE;
    }
    count.update(next);
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(_window: W, ctx: TriggerContext): void {
    ctx.getPartitionedState<number>(COUNT).clear();
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState<number>(COUNT, (a, b) => a + b);
  }
  override toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}
