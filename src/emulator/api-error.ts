/** An error answered to the client with the Data API's `__type`, so the SDK raises the right class. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
