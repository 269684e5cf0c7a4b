/** What backups and restores share: their dependencies, progress, results and context. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

/** What the backup and restore processors need (a subset of WorkerDeps: no Redis, no BullMQ). */
export interface BackupDeps {
  config: Config;
  s3: S3Client;
  log: Logger;
}

/** Job progress of a backup or restore (BullMQ `job.progress`). */
export interface BackupProgress {
  phase: 'dump' | 'verify' | 'download' | 'check' | 'safety-backup' | 'restore' | 'retention' | 'done';
  bytes: number;
  /** Expected bytes when known (for a dump: the database size, an upper bound of the compressed archive). */
  total?: number;
}

/** How a processor talks back to its job (the BullMQ wiring maps it to updateProgress / log). */
export interface RunContext {
  progress?: (p: BackupProgress) => void;
  log?: (line: string) => void;
  /** Aborted when the backup/restore lock is lost or the worker stops: running tools are killed. */
  signal?: AbortSignal;
}

export interface BackupResult {
  key: string;
  size: number;
  sha256: string;
  /** user@host:port/database */
  source: string;
  createdAt: string;
  pgDumpVersion: string;
  serverVersion: string;
  trigger: string;
  /** Keys removed by retention (and leftovers of crashed backups). */
  deleted: string[];
  /** When the job held the backup/restore lock (ISO). */
  startedAt: string;
  finishedAt: string;
}

export interface RestoreResult {
  key: string;
  /** user@host:port/database restored into. */
  target: string;
  /** The backup of the target taken just before the restore. */
  safetyBackupKey: string;
  /** TOC entries of the archive (`pg_restore --list`). */
  entries: number;
  /** When the job held the backup/restore lock (ISO). */
  startedAt: string;
  finishedAt: string;
}
