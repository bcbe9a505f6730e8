import { ApiProperty } from '@nestjs/swagger';
import type { PrincipalProfile } from '../common/principal.js';
import type { UserEntity } from './user.entity.js';

/** What the API says about a user. Built field by field, so a password hash can never slip out. */
export class UserResponseDto implements PrincipalProfile {
  @ApiProperty({ format: 'uuid', description: 'The internal id every other table refers to; it never changes.' })
  userId: string;

  @ApiProperty({ nullable: true, type: String, example: 'user_34wxRu7bigC1CheiuB21mfURSor' })
  clerkUserId: string | null;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'user' })
  role: string;

  @ApiProperty({ description: 'Whether a legacy password is still stored (never the password or its hash).' })
  hasPassword: boolean;

  @ApiProperty()
  createdAt: string;

  static from(user: UserEntity): UserResponseDto {
    const dto = new UserResponseDto();
    dto.userId = user.userId;
    dto.clerkUserId = user.clerkUserId;
    dto.email = user.email;
    dto.name = user.name;
    dto.role = user.role;
    dto.hasPassword = user.passwordHash !== null;
    dto.createdAt = user.createdAt.toISOString();
    return dto;
  }

  /** The same fields, from a profile captured when the caller's token was resolved. */
  static fromProfile(profile: PrincipalProfile): UserResponseDto {
    return Object.assign(new UserResponseDto(), profile);
  }
}
