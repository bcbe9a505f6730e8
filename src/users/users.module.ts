import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { ClerkSignInsRepository } from './clerk-sign-ins.repository.js';
import { ClerkAccountOwners } from './clerk-account-owners.js';
import { ClerkProfilesRepository } from './clerk-profiles.repository.js';

/** The users table and the record of Clerk sign-ins; no HTTP here (see `UsersHttpModule`), so the CLI can import it too. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [UsersRepository, ClerkSignInsRepository, ClerkAccountOwners, ClerkProfilesRepository],
  exports: [UsersRepository, ClerkSignInsRepository, ClerkAccountOwners, ClerkProfilesRepository],
})
export class UsersModule {}
