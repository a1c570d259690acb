// What the conversion could not express, each naming its compose key: `<file> <key>: <what happened>`.
// Nothing is dropped silently: keys.ts warns for every key no mapping handles.
export interface Warning {
  key: string;
  message: string;
}

export class Warnings {
  private readonly seen = new Map<string, Warning>();
  constructor(readonly file: string) {}

  add(key: string, message: string): void {
    this.seen.set(`${key}\n${message}`, { key, message });
  }

  /** Sorted by key, so the two resolvers (whose service order differs) print the same list. */
  list(): Warning[] {
    return [...this.seen.values()].sort((a, b) => a.key.localeCompare(b.key) || a.message.localeCompare(b.message));
  }

  lines(): string[] {
    return this.list().map((w) => `warning: ${this.file} ${w.key}: ${w.message}`);
  }
}
