import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonObject } from '../common/json-object.js';

@Entity({ name: 'audit_logs' })
export class AuditLogEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  /** Who did it: an admin's user id, `cli`, `scheduler`, or the user themself. */
  @Column({ type: 'varchar' })
  actor: string;

  @Column({ type: 'varchar' })
  action: string;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  /** Whatever the event needs. */
  details: JsonObject;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
