import os from 'node:os';

/**
 * Read when a bench loads this module (through `results.ts`, before its own code runs), since the note
 * is written at the end, when the bench's own work has raised the load.
 */
const LOAD_AT_START = os.loadavg()[0];

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  /** Figures from a shared machine are noisy; ratios measured side by side in one run are what count. */
  note: string;
}

export function machineInfo(): MachineInfo {
  const cores = os.cpus().length;
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    // Set BENCH_MACHINE_NOTE to say what else the machine was doing during the run.
    note:
      process.env.BENCH_MACHINE_NOTE ??
      `Load average at the start: ${LOAD_AT_START.toFixed(2)}, at the end: ${os.loadavg()[0].toFixed(2)}, on ${cores} cores. Absolute figures depend on the machine; ratios are measured side by side in one run.`,
  };
}
