import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { ClerkSignInsRepository } from './clerk-sign-ins.repository.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  controllers: [UsersController],
  providers: [UsersRepository, ClerkSignInsRepository],
  exports: [UsersRepository, ClerkSignInsRepository],
})
export class UsersModule {}
