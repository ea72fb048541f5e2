/**
 * A KeyedProcessFunction with side outputs: a stream of card transactions is keyed by account;
 * each account's running total is emitted, transactions above a limit go to an `alerts` side
 * output, and malformed lines to a `rejected` side output.
 *
 *   flink-ts run examples/keyed-process.ts [--limit 500]
 */
import type { Collector, KeyedProcessContext, ValueState } from 'flink-ts';
import { KeyedProcessFunction, OutputTag, ParameterTool, StreamExecutionEnvironment, ValueStateDescriptor } from 'flink-ts';

interface Transaction {
  account: string;
  amount: number;
}

const alerts = new OutputTag<string>('alerts');
const rejected = new OutputTag<string>('rejected');

/** Keeps each account's running total in keyed ValueState: scoped to the account, checkpointed. */
class RunningTotal extends KeyedProcessFunction<string, Transaction, string> {
  private total!: ValueState<number>;
  constructor(private readonly limit: number) {
    super();
  }
  override open(): void {
    this.total = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('total'));
  }
  processElement(tx: Transaction, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    const total = (this.total.value() ?? 0) + tx.amount;
    this.total.update(total);
    if (tx.amount > this.limit) ctx.output(alerts, `ALERT ${tx.account} spent ${tx.amount}`);
    out.collect(`${tx.account} total ${total}`);
  }
}

const params = ParameterTool.fromArgs();
const limit = params.getDouble('limit', 500);
const env = StreamExecutionEnvironment.getExecutionEnvironment();

const parsed = env
  .fromElements('alice,120', 'bob,80', 'alice,700', 'carol,15', 'bob,oops', 'carol,900', 'alice,30')
  .process((line: string, ctx, out: Collector<Transaction>) => {
    const [account, amount] = line.split(',');
    const value = Number(amount);
    if (account === undefined || account === '' || Number.isNaN(value)) ctx.output(rejected, line);
    else out.collect({ account, amount: value });
  })
  .name('parse');

const totals = parsed
  .keyBy((tx) => tx.account)
  .process(new RunningTotal(limit))
  .name('running-total');

totals.print('totals');
totals.getSideOutput(alerts).print('alerts');
parsed.getSideOutput(rejected).print('rejected');

await env.execute('Keyed process with side outputs');
