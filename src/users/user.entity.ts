import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The product's own `users` table, mapped as it is; its shape is not ours to change. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'clerk_user_id', type: 'varchar', nullable: true })
  clerkUserId: string | null;

  @Column({ type: 'varchar' })
  email: string;

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'varchar' })
  name: string;

  @Column({ type: 'varchar' })
  role: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
