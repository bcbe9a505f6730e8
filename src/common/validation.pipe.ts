import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError, CommonErrorCode } from './app-error.js';

function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => `${field}: ${reason}`);
    return [...own, ...describe(error.children ?? [], field)];
  });
}

/** Strict DTO validation whose errors name each field and what is wrong with it. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Values are never echoed back: a rejected field may hold a password.
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const problems = describe(errors);
      return new AppError(400, CommonErrorCode.ValidationFailed, problems.join('; '), { problems });
    },
  });
}
