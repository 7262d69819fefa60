/** Reads and checks a step's options from the experiment file, naming the step and option on error. */
import { MlError } from '../types';

/** Checked access to one step's option object; `done()` rejects options the step does not know. */
export class OptionReader {
  private readonly used = new Set<string>();

  constructor(
    readonly step: string,
    private readonly raw: Readonly<Record<string, unknown>>,
  ) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new MlError(`${step}: options must be an object like { key: value }`);
    }
  }

  private get(key: string): unknown {
    this.used.add(key);
    return this.raw[key];
  }

  private fail(key: string, expected: string, value: unknown): never {
    throw new MlError(`${this.step}: option "${key}" must be ${expected}, got ${JSON.stringify(value)}`);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.get(key) ?? fallback;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(key, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, value);
    }
    return value as T;
  }

  number(key: string, fallback: number, check: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): number {
    const value = this.get(key) ?? fallback;
    const { min, max, integer, exclusiveMin } = check;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (min === undefined || (exclusiveMin ? value > min : value >= min)) &&
      (max === undefined || value <= max) &&
      (!integer || Number.isInteger(value));
    if (!ok) {
      const parts = [integer ? 'an integer' : 'a number'];
      if (min !== undefined) parts.push(`${exclusiveMin ? '>' : '>='} ${min}`);
      if (max !== undefined) parts.push(`<= ${max}`);
      this.fail(key, parts.join(' '), value);
    }
    return value as number;
  }

  optionalNumber(key: string, check: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): number | null {
    if (this.raw[key] === undefined || this.raw[key] === null) {
      this.used.add(key);
      return null;
    }
    return this.number(key, 0, check);
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.get(key) ?? fallback;
    if (typeof value !== 'boolean') this.fail(key, 'true or false', value);
    return value as boolean;
  }

  string(key: string): string {
    const value = this.get(key);
    if (typeof value !== 'string' || value.length === 0) this.fail(key, 'a column name', value);
    return value as string;
  }

  /** A list of column names, or undefined when the option is absent (meaning "every column of the kinds handled"). */
  columns(key = 'columns'): string[] | undefined {
    const value = this.get(key);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) this.fail(key, 'a list of column names', value);
    return [...(value as string[])];
  }

  /** The option's raw value, for options with their own checks. */
  value(key: string): unknown {
    return this.get(key);
  }

  /** Rejects option names the step does not know, listing the ones it does. */
  done(): void {
    for (const key of Object.keys(this.raw)) {
      if (!this.used.has(key)) {
        throw new MlError(`${this.step}: unknown option "${key}"; expected one of ${[...this.used].join(', ') || '(no options)'}`);
      }
    }
  }
}
