/**
 * What runs after this instance's nightly sweep: the sync module's reconciliation pass. The sync
 * module provides it; migration only knows this port.
 */
export abstract class SweepFollowUp {
  abstract afterSweep(): Promise<void>;
}
