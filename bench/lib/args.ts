/** `--name value` from the command line, or the fallback. */
export function argValue(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1] : fallback;
}

export function argNumber(name: string, fallback: number): number {
  const value = Number(argValue(name, String(fallback)));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** A comma-separated list of positive integers, e.g. `--sizes 10000,100000`. */
export function argNumbers(name: string, fallback: number[]): number[] {
  const values = argValue(name, fallback.join(',')).split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`--${name} must be positive integers separated by commas`);
  return values;
}
