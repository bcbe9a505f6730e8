import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnyBearer, ApiErrors } from '../common/api-errors.js';
import { CurrentPrincipal } from '../common/auth.decorators.js';
import type { Principal } from '../common/principal.js';
import { UserResponseDto } from '../common/user-response.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiAnyBearer()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The caller, whichever way they signed in (Clerk or legacy)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(401, [403, 'The caller is a Clerk API key or M2M token, not a person (not_a_person)'])
  getMe(@CurrentPrincipal() principal: Principal): UserResponseDto {
    return this.users.profile(principal);
  }
}
