import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './connection';

/** Stands for a parameter while the query is compiled; replaced by the caller's value on each run. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A query built and compiled to SQL once, on first use, then run with new parameter values: the
 * hot path's few fixed queries (session read, account read) skip Kysely's per-call building and
 * compiling, which cost more than SQLite running them. `build` gets `param(name)` for each value
 * that varies; anything else in it (a constant) stays as compiled. One compiled form per database,
 * since SQLite and PostgreSQL write parameters differently.
 */
export function compiledQuery<P extends Record<string, unknown>, R>(
  build: (db: Db, param: <K extends keyof P & string>(name: K) => P[K]) => Compilable<R>,
): (db: Db, params: P) => Promise<QueryResult<R>> {
  const byDb = new WeakMap<Db, { query: CompiledQuery<R>; slots: Array<string | undefined> }>();
  return (db, params) => {
    let compiled = byDb.get(db);
    if (!compiled) {
      const query = build(db, (name) => new Slot(name) as never).compile();
      const slots = query.parameters.map((p) => (p instanceof Slot ? p.name : undefined));
      compiled = { query, slots };
      byDb.set(db, compiled);
    }
    const { query, slots } = compiled;
    const parameters = slots.map((name, i) => (name === undefined ? query.parameters[i] : params[name]));
    return db.executeQuery<R>({ ...query, parameters });
  };
}
