// Builds parameter lists for statements assembled from parts: each part asks
// for a placeholder for its value, so every value stays a parameter.

export type Placeholder = (value: unknown) => string;

/** A row condition written against placeholders, e.g. p => `series_id = ANY(${p(ids)})`. */
export type RowPredicate = (p: Placeholder) => string;

export class SqlParams {
  readonly values: unknown[] = [];
  readonly p: Placeholder = (value) => {
    this.values.push(value);
    return `$${this.values.length}`;
  };
}
