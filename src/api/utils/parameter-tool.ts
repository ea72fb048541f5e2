import { currentExecutionContext } from '../environment/execution-context.js';

/**
 * Job arguments in Flink's `--key value` form. Without explicit args it reads the job's own
 * arguments from the execution context, which are the same in the client, the JobManager and
 * every slot worker.
 */
export class ParameterTool {
  /** The value Flink records for a key given without a value (`--verbose`). */
  static readonly NO_VALUE_KEY = '__NO_VALUE_KEY';

  private constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  static fromArgs(args?: readonly string[]): ParameterTool {
    const input = args ?? currentExecutionContext()?.args ?? process.argv.slice(2);
    const values = new Map<string, string[]>();
    for (let i = 0; i < input.length; i++) {
      const arg = input[i] as string;
      const key = keyOf(arg);
      if (key === undefined) {
        throw new Error(`Error parsing arguments '${input.join(' ')}' on '${arg}'. Please prefix keys with -- or -.`);
      }
      const next = input[i + 1];
      let value = ParameterTool.NO_VALUE_KEY;
      if (next !== undefined && (keyOf(next) === undefined || isNumber(next))) {
        value = next;
        i++;
      }
      const list = values.get(key) ?? [];
      list.push(value);
      values.set(key, list);
    }
    return new ParameterTool(values);
  }

  static fromMap(map: Readonly<Record<string, string>>): ParameterTool {
    return new ParameterTool(new Map(Object.entries(map).map(([k, v]) => [k, [v]])));
  }

  has(key: string): boolean {
    return this.values.has(key);
  }
  getNumberOfParameters(): number {
    return this.values.size;
  }

  /** The last value given for the key, or the default; a key given without a value has none. */
  get(key: string): string | undefined;
  get(key: string, defaultValue: string): string;
  get(key: string, defaultValue?: string): string | undefined {
    const list = this.values.get(key);
    const last = list?.[list.length - 1];
    if (last === undefined || last === ParameterTool.NO_VALUE_KEY) return defaultValue;
    return last;
  }
  getRequired(key: string): string {
    const value = this.get(key);
    if (value === undefined) throw new Error(`No data for required key '${key}'`);
    return value;
  }
  /** Every value given for a repeatable key (`--input a --input b`), in order. */
  getMultiParameter(key: string): string[] | undefined {
    return this.values.get(key)?.filter((v) => v !== ParameterTool.NO_VALUE_KEY);
  }
  getMultiParameterRequired(key: string): string[] {
    const list = this.getMultiParameter(key);
    if (list === undefined || list.length === 0) throw new Error(`No data for required key '${key}'`);
    return list;
  }
  getInt(key: string, defaultValue?: number): number {
    return this.getNumber(key, defaultValue, true);
  }
  getLong(key: string, defaultValue?: number): number {
    return this.getNumber(key, defaultValue, true);
  }
  getDouble(key: string, defaultValue?: number): number {
    return this.getNumber(key, defaultValue, false);
  }
  getBoolean(key: string, defaultValue?: boolean): boolean {
    if (!this.has(key)) {
      if (defaultValue === undefined) throw new Error(`No data for required key '${key}'`);
      return defaultValue;
    }
    const value = this.get(key);
    // A bare flag (`--verbose`) means true, as a boolean option should.
    if (value === undefined) return true;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw new Error(`Value '${value}' of key '${key}' is not a boolean: expected true or false.`);
  }
  toMap(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, list] of this.values) out[key] = list[list.length - 1] ?? ParameterTool.NO_VALUE_KEY;
    return out;
  }
  mergeWith(other: ParameterTool): ParameterTool {
    return new ParameterTool(new Map([...this.values, ...other.values]));
  }

  private getNumber(key: string, defaultValue: number | undefined, integer: boolean): number {
    const value = this.get(key);
    if (value === undefined) {
      if (defaultValue === undefined) throw new Error(`No data for required key '${key}'`);
      return defaultValue;
    }
    const n = Number(value);
    if (value.trim() === '' || Number.isNaN(n) || (integer && !Number.isInteger(n))) {
      throw new Error(`Value '${value}' of key '${key}' is not ${integer ? 'an integer' : 'a number'}.`);
    }
    return n;
  }
}

function keyOf(arg: string): string | undefined {
  if (arg.startsWith('--') && arg.length > 2) return arg.slice(2);
  if (arg.startsWith('-') && arg.length > 1 && !isNumber(arg)) return arg.slice(1);
  return undefined;
}

function isNumber(s: string): boolean {
  return s.trim() !== '' && !Number.isNaN(Number(s));
}
