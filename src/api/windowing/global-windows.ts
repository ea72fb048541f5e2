import type { Trigger } from './trigger.js';
import { GlobalWindow } from './global-window.js';
import { NeverTrigger } from './never-trigger.js';
import { WindowAssigner, globalWindowFromNamespace } from './window-assigner.js';

/** Every element in the one global window; a trigger (e.g. `CountTrigger`) decides when it is emitted. */
export class GlobalWindows extends WindowAssigner<unknown, GlobalWindow> {
  private constructor() {
    super();
  }
  static create(): GlobalWindows {
    return new GlobalWindows();
  }
  assignWindows(): GlobalWindow[] {
    return [GlobalWindow.get()];
  }
  getDefaultTrigger(): Trigger<unknown, GlobalWindow> {
    return new NeverTrigger();
  }
  /** As in Flink: no lateness and no watermark-driven cleanup for the global window. */
  isEventTime(): boolean {
    return false;
  }
  windowFromNamespace(namespace: unknown): GlobalWindow {
    return globalWindowFromNamespace(namespace);
  }
  override toString(): string {
    return 'GlobalWindows()';
  }
}
