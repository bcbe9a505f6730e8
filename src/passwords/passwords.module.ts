import { Module } from '@nestjs/common';
import { passwordsConfig, type PasswordsConfig } from '../config/passwords.config.js';
import { PasswordFormats } from './password-formats.js';

/** The password formats under the configured pepper and Firebase parameters, for legacy login and the migration. */
@Module({
  providers: [
    { provide: PasswordFormats, useFactory: (config: PasswordsConfig) => new PasswordFormats(config), inject: [passwordsConfig.KEY] },
  ],
  exports: [PasswordFormats],
})
export class PasswordsModule {}
