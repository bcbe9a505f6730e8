import { ApiProperty } from '@nestjs/swagger';

/** `invitations` of `stats`: the key DESIGN fixes (queued counts those being sent too). */
export class InvitationCountsDto {
  @ApiProperty({ example: 420 }) queued: number;
  @ApiProperty({ example: 180 }) sent: number;
  @ApiProperty({ example: 0 }) failed: number;
  @ApiProperty({ example: 0 }) revoked: number;
}

/** When the outbox will be empty, at what pace, and whether a service instance sends. */
export class InvitationPaceDto {
  @ApiProperty({ example: 15084, description: 'Seconds until the last queued invitation is sent at the pace; 0 when none is queued' })
  etaSeconds: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When that is; null when none is queued' })
  emptyBy: string | null;
  @ApiProperty({
    example: 100,
    description: 'Invitations per hour for the whole fleet: the invitations class limit (CLERK_INVITATIONS_PER_HOUR) less its margin',
  })
  perHour: number;
  @ApiProperty({ description: 'An app instance is sending now; the CLI never sends, it leaves invitations queued for the service' })
  senderRunning: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Why sending is held (a 429 from Clerk, a refused key); null when it is not' })
  pausedReason: string | null;
}

/** The outbox of one run (its invitations; the ETA counts those queued ahead of them) or of all. */
export class InvitationQueueDto extends InvitationCountsDto {
  @ApiProperty() etaSeconds: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) emptyBy: string | null;
  @ApiProperty() perHour: number;
  @ApiProperty() senderRunning: boolean;
  @ApiProperty({ nullable: true, type: String }) pausedReason: string | null;
}

export class DryRunInvitationsDto {
  @ApiProperty({ description: 'Invitations the plan would queue' }) planned: number;
  @ApiProperty({ description: 'Seconds the fleet’s sender would take to send them, behind the queue' }) etaSeconds: number;
  @ApiProperty() perHour: number;
}

export class ResendReportDto {
  @ApiProperty({ description: 'Failed invitations put back in the queue' }) requeued: number;
  @ApiProperty({ type: InvitationQueueDto }) queue: InvitationQueueDto;
}
