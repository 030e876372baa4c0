// The one helper that runs a statement and collects its rows (the store and the query modules share it).
import type { Database, SqlValue } from 'sql.js';

export function queryRows(db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] {
  const st = db.prepare(sql);
  try {
    st.bind(params);
    const out: SqlValue[][] = [];
    while (st.step()) out.push(st.get());
    return out;
  } finally {
    st.free();
  }
}
