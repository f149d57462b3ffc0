// The error a query service throws for a parameter that failed validation,
// naming the field, so each front end (HTTP 400, CLI usage error) reports it
// its own way without the services knowing about either.

/** A query parameter or body field that failed validation. */
export class BadParameterError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'BadParameterError';
  }
}
