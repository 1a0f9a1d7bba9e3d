// What Response.json makes of a server value, as the browser reads it: dates become ISO strings,
// functions are dropped. lib/client names its response types through this, so a field renamed or
// retyped on the server is a type error in the browser's code, not a blank on a page.
export type Json<T> = T extends Date
  ? string
  : T extends (...args: never[]) => unknown
    ? never
    : T extends readonly unknown[]
      ? { [K in keyof T]: Json<T[K]> }
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;

/** The JSON of an async server function's result. */
export type JsonOf<F extends (...args: never[]) => Promise<unknown>> = Json<Awaited<ReturnType<F>>>;

/** A value through JSON, as a route sends it and the browser receives it. */
export function toJson<T>(value: T): Json<T> {
  return JSON.parse(JSON.stringify(value)) as Json<T>;
}
