/** Typed, synchronous access to a Durable Object's SQLite storage (the stores of both objects extend it). */
export abstract class SqlStore {
  constructor(
    protected readonly sql: SqlStorage,
    private readonly schema: string[],
  ) {}

  migrate() {
    for (const stmt of this.schema) this.sql.exec(stmt);
  }

  protected all<T>(query: string, ...args: unknown[]): T[] {
    return this.sql.exec(query, ...args).toArray() as unknown as T[];
  }
  protected first<T>(query: string, ...args: unknown[]): T | null {
    return this.all<T>(query, ...args)[0] ?? null;
  }
  protected run(query: string, ...args: unknown[]) {
    this.sql.exec(query, ...args);
  }
}
