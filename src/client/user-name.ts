import { userInfo } from 'node:os';

/** The name of the user running the client, for per-user paths (artifact cache, log file). */
export function currentUserName(): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo() throws for a uid without a passwd entry (common in containers).
    return process.env.USER ?? String(process.getuid?.() ?? 'user');
  }
}
