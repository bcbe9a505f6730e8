import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { ClerkSignInsRepository } from './clerk-sign-ins.repository.js';
import { ClerkAccountOwners } from './clerk-account-owners.js';
import { ClerkProfilesRepository } from './clerk-profiles.repository.js';
import { UsersService } from './users.service.js';

/** The users table and the record of Clerk sign-ins, offered to other modules through `UsersService`; no HTTP here (see `UsersHttpModule`), so the CLI can import it too. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [UsersRepository, ClerkSignInsRepository, ClerkAccountOwners, ClerkProfilesRepository, UsersService],
  // Only the service: other modules reach these tables through it, never through a repository.
  exports: [UsersService],
})
export class UsersModule {}
