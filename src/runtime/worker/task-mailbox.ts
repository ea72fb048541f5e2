/**
 * Work a task must do between records (Flink's mailbox): checkpoint triggers and notifications
 * from the JobMaster, processing-time timers. It runs in the task's own loop, so it never
 * interleaves with a record, a barrier or a snapshot.
 */
export type MailboxAction = () => void | Promise<void>;

export class TaskMailbox {
  private readonly actions: MailboxAction[] = [];

  constructor(private readonly onPut: () => void) {}

  put(action: MailboxAction): void {
    this.actions.push(action);
    this.onPut();
  }

  hasMail(): boolean {
    return this.actions.length > 0;
  }

  /** Runs every queued action, including ones queued meanwhile. */
  async drain(): Promise<void> {
    for (let action = this.actions.shift(); action !== undefined; action = this.actions.shift()) await action();
  }
}
