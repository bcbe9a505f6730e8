import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module.js';
import { ClerkModule } from '../clerk/clerk.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { PasswordsModule } from '../passwords/passwords.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { ClerkPrincipalResolver } from './clerk-principal.resolver.js';
import { DummyHash } from './dummy-hash.js';
import { LegacyTokenService } from './legacy-token.service.js';
import { LoginThrottle } from './login-throttle.js';
import { MachinePrincipalResolver } from './machine-principal.resolver.js';
import { MachineTokenThrottle } from './machine-token-throttle.js';
import { PasswordHasher } from './password-hasher.js';

@Module({
  imports: [UsersModule, AuditModule, ClerkModule, MetricsModule, PasswordsModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    ClerkPrincipalResolver,
    DummyHash,
    LegacyTokenService,
    LoginThrottle,
    MachinePrincipalResolver,
    MachineTokenThrottle,
    PasswordHasher,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, PasswordHasher],
})
export class AuthModule {}
