/**
 * How far apart two data points are (Flink's DeltaFunction), for `DeltaTrigger`: a plain function
 * or an object with `getDelta`. The result is compared with the trigger's threshold, so it should
 * grow with the distance (e.g. `(older, newer) => newer.distance - older.distance`).
 */
export type DeltaFunction<T> =
  | ((oldDataPoint: T, newDataPoint: T) => number)
  | { getDelta(oldDataPoint: T, newDataPoint: T): number };

/** The callable form of either shape. */
export function deltaOf<T>(fn: DeltaFunction<T>): (oldDataPoint: T, newDataPoint: T) => number {
  return typeof fn === 'function' ? fn : (oldDataPoint, newDataPoint) => fn.getDelta(oldDataPoint, newDataPoint);
}
