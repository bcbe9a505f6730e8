import os from 'node:os';

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
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    // Set BENCH_MACHINE_NOTE to say what else the machine was doing during the run.
    note:
      process.env.BENCH_MACHINE_NOTE ??
      `Load average at the start: ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores. Absolute figures depend on the machine; ratios are measured side by side in one run.`,
  };
}
