import { Injectable } from '@nestjs/common';
import type { MigrationOperation, NewOperation } from './operation.js';
import { OperationError, OperationErrorCode } from './operation.error.js';
import { OperationsRepository } from './operations.repository.js';

/**
 * The record of a rollback or clean-up while it works and once it has ended. Whoever does the work
 * writes it here; any instance reads it. Writes after the start touch only a `running` operation:
 * one already settled (say, found abandoned) keeps its outcome.
 */
@Injectable()
export class OperationsService {
  constructor(private readonly operations: OperationsRepository) {}

  create(operation: NewOperation): Promise<MigrationOperation> {
    return this.operations.create(operation);
  }

  progress(id: string, done: number): Promise<void> {
    return this.operations.progress(id, done);
  }

  complete(id: string, report: object): Promise<void> {
    return this.operations.complete(id, report);
  }

  fail(id: string, error: { code: string; message: string }): Promise<void> {
    return this.operations.fail(id, error);
  }

  /** An operation as it stands now; one whose process has gone (its lease with it) reads `interrupted`. */
  async get(id: string): Promise<MigrationOperation> {
    await this.settleAbandoned();
    const operation = await this.operations.find(id);
    if (!operation) throw new OperationError(404, OperationErrorCode.OperationNotFound, `No rollback or clean-up with id ${id}`);
    return operation;
  }

  /** Marks operations whose process is gone `interrupted`; returns their ids. */
  settleAbandoned(): Promise<string[]> {
    return this.operations.interruptAbandoned();
  }
}
