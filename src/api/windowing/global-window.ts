import type { Window } from './window.js';
import { MAX_TIMESTAMP } from './window.js';

/** The one window of `GlobalWindows`: it never ends, so only a custom trigger fires it. */
export class GlobalWindow implements Window {
  private static readonly INSTANCE = new GlobalWindow();
  private constructor() {}

  static get(): GlobalWindow {
    return GlobalWindow.INSTANCE;
  }
  maxTimestamp(): number {
    return MAX_TIMESTAMP;
  }
  stateKey(): string {
    return 'global';
  }
  toString(): string {
    return 'GlobalWindow';
  }
}
