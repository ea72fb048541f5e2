import type { DeltaFunction } from './delta-function.js';
import type { TriggerContext } from './trigger.js';
import type { Window } from './window.js';
import { deltaOf } from './delta-function.js';
import { Trigger, TriggerResult } from './trigger.js';

/** Flink's state name: the data point the trigger last fired on (or the window's first one). */
const LAST_ELEMENT = 'last-element';

/**
 * Fires when an element is more than `threshold` away from the element it last fired on (Flink's
 * DeltaTrigger). The first element of a window only becomes the reference point; each firing
 * element becomes the next one. The reference is keyed trigger state, so it is checkpointed with
 * the key and must be plain data. It does not purge: pair it with an evictor (as TopSpeedWindowing
 * does with a TimeEvictor) or wrap it in a PurgingTrigger, or the window keeps every element.
 */
export class DeltaTrigger<T, W extends Window = Window> extends Trigger<T, W> {
  private readonly delta: (oldDataPoint: T, newDataPoint: T) => number;

  private constructor(
    private readonly threshold: number,
    private readonly deltaFunction: DeltaFunction<T>,
  ) {
    super();
    this.delta = deltaOf(deltaFunction);
  }

  /**
   * Flink's `of(threshold, deltaFunction, stateSerializer)`; the serializer is not needed here
   * because trigger state is stored as plain data.
   */
  static of<T, W extends Window = Window>(threshold: number, deltaFunction: DeltaFunction<T>): DeltaTrigger<T, W> {
    if (Number.isNaN(threshold)) throw new RangeError('DeltaTrigger threshold must be a number, got NaN.');
    const shaped = typeof deltaFunction === 'function' || typeof (deltaFunction as { getDelta?: unknown } | null)?.getDelta === 'function';
    if (!shaped) {
      throw new TypeError('DeltaTrigger needs a DeltaFunction: a function (oldDataPoint, newDataPoint) => number or an object with getDelta.');
    }
    return new DeltaTrigger<T, W>(threshold, deltaFunction);
  }

  onElement(element: T, _timestamp: number, _window: W, ctx: TriggerContext): TriggerResult {
    const last = ctx.getPartitionedState<T>(LAST_ELEMENT);
    const reference = last.value();
    if (reference === null) {
      last.update(element);
      return TriggerResult.CONTINUE;
    }
    if (this.delta(reference, element) > this.threshold) {
      last.update(element);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(_window: W, ctx: TriggerContext): void {
    ctx.getPartitionedState<T>(LAST_ELEMENT).clear();
  }
  override toString(): string {
    const fn = typeof this.deltaFunction === 'function' ? this.deltaFunction.name || 'deltaFunction' : this.deltaFunction.constructor.name;
    return `DeltaTrigger(${fn}, ${this.threshold})`;
  }
}
