export interface Stats {
  total: number;
  withClerk: number;
  withoutClerk: number;
  withPassword: number;
}

const tick = (ok: boolean) => (ok ? '✓' : '✗');

/** A short report a person can read: each step with its time, each check with its verdict. */
export class DemoReport {
  private readonly started = Date.now();
  private failures = 0;

  get ok(): boolean {
    return this.failures === 0;
  }

  heading(text: string): void {
    process.stdout.write(`\n${text}\n${'─'.repeat(text.length)}\n`);
  }

  async step<T>(title: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    process.stdout.write(`${title} … `);
    try {
      const result = await work();
      process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      return result;
    } catch (error) {
      process.stdout.write('failed\n');
      throw error;
    }
  }

  check(what: string, ok: boolean): void {
    if (!ok) this.failures += 1;
    process.stdout.write(`   ${tick(ok)} ${what}\n`);
  }

  table(before: Stats, after: Stats): void {
    const row = (label: string, s: Stats) =>
      `  ${label.padEnd(8)}${String(s.total).padStart(7)}${String(s.withClerk).padStart(11)}${String(s.withoutClerk).padStart(15)}${String(s.withPassword).padStart(16)}`;
    const header = `  ${''.padEnd(8)}${'total'.padStart(7)}${'with_clerk'.padStart(11)}${'without_clerk'.padStart(15)}${'with_password'.padStart(16)}`;
    process.stdout.write(`\n${header}\n${row('before', before)}\n${row('after', after)}\n`);
  }

  finish(): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    process.stdout.write(this.ok ? `\nEverything held (${seconds} s).\n` : `\n${this.failures} check(s) failed (${seconds} s).\n`);
  }
}
