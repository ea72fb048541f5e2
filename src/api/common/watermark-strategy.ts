import type {
  TimestampAssigner,
  WatermarkGenerator,
  WatermarkGeneratorContext,
  WatermarkGeneratorSupplier,
} from './watermarks/watermark-generator.js';
import { BoundedOutOfOrdernessWatermarks } from './watermarks/bounded-out-of-orderness-watermarks.js';
import { AscendingTimestampsWatermarks } from './watermarks/ascending-timestamps-watermarks.js';
import { NoWatermarksGenerator } from './watermarks/no-watermarks-generator.js';
import { WatermarksWithIdleness } from './watermarks/watermarks-with-idleness.js';

/**
 * Where timestamps and watermarks come from (Flink's WatermarkStrategy): a generator per subtask,
 * an optional timestamp assigner and an optional idleness timeout. Immutable: `with…` returns a
 * new strategy, so one base strategy can be shared by several sources.
 */
export class WatermarkStrategy<T> {
  private constructor(
    private readonly supplier: WatermarkGeneratorSupplier<T>,
    private readonly assigner: TimestampAssigner<T> | undefined,
    private readonly idleTimeout: number | undefined,
    /** Lets the runtime skip the whole watermark machinery for `noWatermarks()`. */
    readonly generatesWatermarks: boolean,
  ) {}

  /** Elements arrive at most `maxOutOfOrdernessMs` late; watermark = max timestamp − bound − 1, emitted periodically. */
  static forBoundedOutOfOrderness<T>(maxOutOfOrdernessMs: number): WatermarkStrategy<T> {
    if (!(maxOutOfOrdernessMs >= 0)) throw new RangeError(`maxOutOfOrderness must be ≥ 0, got ${maxOutOfOrdernessMs}.`);
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrdernessMs), undefined, undefined, true);
  }

  /** Timestamps never decrease: watermark = max timestamp − 1. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new AscendingTimestampsWatermarks<T>(), undefined, undefined, true);
  }

  /** No watermarks at all (processing-time jobs); only the end of bounded input advances event time. */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator<T>(), undefined, undefined, false);
  }

  /** A custom generator, created once per subtask. */
  static forGenerator<T>(supplier: WatermarkGeneratorSupplier<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(supplier, undefined, undefined, true);
  }

  /** Takes each element's event timestamp from the element; without one the record's own timestamp is kept. */
  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.supplier, assigner, this.idleTimeout, this.generatesWatermarks);
  }

  /** Marks a subtask idle after `idleTimeoutMs` without events, so it does not hold back downstream watermarks. */
  withIdleness(idleTimeoutMs: number): WatermarkStrategy<T> {
    if (!(idleTimeoutMs > 0)) throw new RangeError(`idleness timeout must be > 0, got ${idleTimeoutMs}.`);
    return new WatermarkStrategy<T>(this.supplier, this.assigner, idleTimeoutMs, this.generatesWatermarks);
  }

  /** @internal The generator of one subtask, wrapped for idleness when asked for. */
  createWatermarkGenerator(context: WatermarkGeneratorContext): WatermarkGenerator<T> {
    const generator = this.supplier(context);
    return this.idleTimeout === undefined ? generator : new WatermarksWithIdleness(generator, this.idleTimeout, context);
  }

  /** @internal The timestamp assigner; the default keeps the record's timestamp (Flink's RecordTimestampAssigner). */
  createTimestampAssigner(): TimestampAssigner<T> {
    return this.assigner ?? ((_element, recordTimestamp) => recordTimestamp);
  }
}
