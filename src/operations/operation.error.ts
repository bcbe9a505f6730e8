import { AppError } from '../common/app-error.js';

export enum OperationErrorCode {
  OperationNotFound = 'operation_not_found',
}

export class OperationError extends AppError {}
