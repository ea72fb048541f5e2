import { BoundedOutOfOrdernessWatermarks } from './bounded-out-of-orderness-watermarks.js';

/** For timestamps that never decrease: bounded out-of-orderness with a bound of 0, watermark `maxTimestamp − 1`. */
export class AscendingTimestampsWatermarks<T> extends BoundedOutOfOrdernessWatermarks<T> {
  constructor() {
    super(0);
  }
}
