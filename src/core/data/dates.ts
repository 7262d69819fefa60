/**
 * Reads date and time cells as the datetime step and the New Experiment wizard see them: ISO-like
 * text (`2020-01-15`, `2020/1/15`, `2020-01-15 10:30`, `2020-01-15T10:30:00.5Z`, DuckDB's
 * `2020-01-15 10:30:00+00`) or epoch seconds/milliseconds. A zone offset is kept as written: the
 * parts are those of the local time the value states, as pandas reports them for one offset.
 */

/** Calendar and clock parts of one instant; `dayofweek` is pandas' (Monday 0), `dayofyear` 1-based. */
export interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly dayofweek: number;
  readonly dayofyear: number;
  readonly hour: number;
  readonly minute: number;
}

export type EpochUnit = 's' | 'ms';

const DATE_TIME = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The date of a day count since 1970-01-01 (Howard Hinnant's civil_from_days). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}

const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function parts(year: number, month: number, day: number, hour: number, minute: number): DateParts {
  const days = daysFromCivil(year, month, day);
  return {
    year,
    month,
    day,
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    dayofweek: (((days + 3) % 7) + 7) % 7,
    dayofyear: days - daysFromCivil(year, 1, 1) + 1,
    hour,
    minute,
  };
}

/** Parts of an ISO-like date or date-time text; undefined when it is not one (or not a real date, like 2021-02-29). */
export function parseDateText(text: string): DateParts | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [match[1], match[3], match[4], match[5], match[6], match[7]].map((v) =>
    v === undefined ? undefined : Number(v),
  ) as number[];
  if (year === undefined || month === undefined || day === undefined) return undefined;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const monthDays = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > monthDays) return undefined;
  return parts(year, month, day, hour, minute);
}

/** Parts of an epoch time in seconds or milliseconds, in UTC (as pandas' `to_datetime(unit=...)`). */
export function epochParts(value: number, unit: EpochUnit): DateParts | undefined {
  const ms = unit === 's' ? value * 1000 : value;
  // Date's own range, ±100,000,000 days around 1970.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  const days = Math.floor(ms / MS_PER_DAY);
  const { year, month, day } = civilFromDays(days);
  const inDay = ms - days * MS_PER_DAY;
  return parts(year, month, day, Math.floor(inDay / 3_600_000), Math.floor((inDay % 3_600_000) / 60_000));
}

/** Parts of one cell: a number (or numeric text) with `unit` is an epoch time, text is parsed as a date; missing → undefined. */
export function parseDateCell(value: string | number | null | undefined, unit?: EpochUnit): DateParts | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return unit ? epochParts(value, unit) : undefined;
  if (unit && NUMBER.test(value.trim())) return epochParts(Number(value.trim()), unit);
  return parseDateText(value);
}

/** Present values a sample looks at to tell a date column. */
const SAMPLE = 200;
/** Share of the sampled present values that must be dates. */
const DATE_SHARE = 0.8;

/** Whether a string column's first present values are mostly ISO-like dates (the wizard's and the errors' hint). */
export function looksLikeDates(values: Iterable<string | null>): boolean {
  let present = 0;
  let dates = 0;
  for (const value of values) {
    if (value === null || value.trim() === '') continue;
    present++;
    if (parseDateText(value)) dates++;
    if (present >= SAMPLE) break;
  }
  return present > 0 && dates >= DATE_SHARE * present;
}
