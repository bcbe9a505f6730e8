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
    note: 'Shared machine: other engineers ran test suites at the same time, so absolute figures are noisy; compare ratios measured in the same run.',
  };
}
