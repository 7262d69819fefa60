/** The one error shape every 4xx/5xx answer of the prediction service has: `{ error, detail }`. */

export interface ErrorBody {
  /** A stable code a client can branch on, e.g. `missing_column`. */
  readonly error: string;
  /** A sentence for people, naming the column, row or limit at fault. */
  readonly detail: string;
  readonly column?: string;
  readonly row?: number;
  readonly prediction_ids?: readonly string[];
}

/** An input problem the client can fix; answered with `status` and its body, never logged as a fault. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly extra: Omit<ErrorBody, 'error' | 'detail'> = {},
  ) {
    super(detail);
    this.name = 'RequestError';
  }

  body(): ErrorBody {
    return { error: this.code, detail: this.message, ...this.extra };
  }
}
