import { Module } from '@nestjs/common';
import { LockLeasesRepository } from './lock-leases.repository.js';
import { MigrationLock } from './migration-lock.js';

/** The fleet's one-at-a-time lock for work on users (runs, rollbacks, clean-ups), and the watched leases of its holders. */
@Module({
  providers: [MigrationLock, LockLeasesRepository],
  exports: [MigrationLock],
})
export class LocksModule {}
