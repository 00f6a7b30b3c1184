/** What PostgreSQL's catalogs should say about the schema `kineSchemaStatements(db, "postgres")` creates. */
import { KINE_INDEXES, KINE_PRIMARY_KEY, type KineIndex } from "../../planner/kineSchema";

/** pg_indexes.indexdef of one of our indexes (PostgreSQL prints DESC and omits the default ASC). */
export function expectedIndexDef(ix: KineIndex): string {
  const cols = ix.columns.map((c) => (c.order === "DESC" ? `${c.column} DESC` : c.column)).join(", ");
  const include = ix.include.length ? ` INCLUDE (${ix.include.join(", ")})` : "";
  return `CREATE ${ix.unique ? "UNIQUE " : ""}INDEX ${ix.name} ON public.kine USING btree (${cols})${include}`;
}

/** Every index of the kine table, by name, including the primary key's. */
export const expectedKineIndexes = (): Record<string, string> => ({
  ...Object.fromEntries(KINE_INDEXES.map((ix) => [ix.name, expectedIndexDef(ix)])),
  [KINE_PRIMARY_KEY]: `CREATE UNIQUE INDEX ${KINE_PRIMARY_KEY} ON public.kine USING btree (id)`,
});

/** Every constraint of the kine table: just the primary key, under its default name. */
export const expectedKineConstraints = (): Record<string, string> => ({ [KINE_PRIMARY_KEY]: "PRIMARY KEY (id)" });
