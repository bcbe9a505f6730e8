/**
 * Reads typed values out of the environment and collects every problem it finds, so that a
 * misconfigured process is told about all of its bad variables at once, each by name.
 */
export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

type Env = Record<string, string | undefined>;

export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** A trimmed value, or undefined when the variable is unset or blank. */
  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  /**
   * A variable an earlier version read and this one does not: set, it would be ignored in silence and
   * the default used instead, so it is a problem that names what replaced it.
   */
  retired(name: string, replacement: string): void {
    if (this.optional(name) !== undefined) this.problem(name, `is no longer read; use ${replacement} instead (see CHANGELOG.md)`);
  }

  string(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  required(name: string, why: string): string | undefined {
    const value = this.optional(name);
    if (value === undefined) this.problem(name, `is required ${why}`);
    return value;
  }

  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      this.problem(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  number(name: string, fallback: number, range: { min: number; max: number }): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < range.min || value > range.max) {
      this.problem(name, `must be a number from ${range.min} to ${range.max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    this.problem(name, `must be true or false, got "${raw}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problem(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }

  url(name: string, fallback: string | undefined, protocols: string[]): string | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return raw.replace(/\/+$/, '');
    } catch {
      this.problem(name, `must be a ${protocols.join(' or ')} URL`);
      return fallback;
    }
  }

  list(name: string): string[] {
    return (this.optional(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  problem(name: string, message: string): void {
    this.problems.push(`${name} ${message}`);
  }

  /** Returns the value read, or throws every problem collected on the way. */
  done<T>(value: T): T {
    if (this.problems.length > 0) throw new InvalidConfigError(this.problems);
    return value;
  }
}
