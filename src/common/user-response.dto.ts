import { ApiProperty } from '@nestjs/swagger';

/** The `users` columns a response is built from: the users module's entity, structurally (common imports no module). */
type UserRow = Omit<UserResponseDto, 'hasPassword' | 'createdAt'> & { passwordHash: string | null; createdAt: Date };

/**
 * What the API says about a user, and the profile a person's principal carries (captured when their
 * token was resolved, so `GET /users/me` needs no query). Built field by field, so a password hash
 * can never slip out.
 */
export class UserResponseDto {
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

  static from(user: UserRow): UserResponseDto {
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
}
