import type { GlobalWindow } from './global-window.js';
import { Trigger, TriggerResult } from './trigger.js';

/** The global window's default: it never fires, so a real trigger must be set. */
export class NeverTrigger extends Trigger<unknown, GlobalWindow> {
  onElement(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(): void {
    // Registers nothing.
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(): void {
    // Nothing to merge.
  }
}
