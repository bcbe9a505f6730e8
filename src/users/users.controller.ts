import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.js';
import { CurrentPrincipal } from '../common/auth.decorators.js';
import type { Principal } from '../common/principal.js';
import { UserResponseDto } from './user-response.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The caller, whichever way they signed in (Clerk or legacy)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(401)
  getMe(@CurrentPrincipal() principal: Principal): UserResponseDto {
    return this.users.profile(principal);
  }
}
