/**
 * Where timestamps and watermarks come from. Only `noWatermarks()` exists yet; event time
 * (bounded out-of-orderness, idleness, custom generators) arrives with the event-time work.
 */
export class WatermarkStrategy<T> {
  declare readonly __type?: T;
  private constructor(readonly kind: 'none') {}

  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>('none');
  }
}
