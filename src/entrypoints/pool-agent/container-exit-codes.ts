/**
 * Exit codes the agent reports for containers whose process never ran, negative as YARN's
 * ContainerExitStatus codes are, so that they cannot be mistaken for a process's own exit code.
 * A process's exit is reported as the process ended: its code, or 128 + the signal's number.
 */

/** The launch spec was rejected, or the container could not be prepared or spawned: nothing ran. */
export const EXIT_LAUNCH_FAILED = -1000;
/** The container was released (or the agent stopped) before its process started. */
export const EXIT_KILLED_BEFORE_START = -100;
