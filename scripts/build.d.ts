// Types of scripts/build.js, for the tests that use it.
export const ROOT: string;
export const STAMP: string;
export const TARGETS: Record<'service' | 'tools', { tsconfig: string; outDir: string; sources: string[] }>;
export class BuildError extends Error {}
export function staleness(name: 'service' | 'tools', entry?: string, root?: string): string | undefined;
export function build(name: 'service' | 'tools', options?: { clean?: boolean }): void;
export function ensureBuilt(name: 'service' | 'tools', entry?: string): boolean;
export function exitOnBuildError<T>(work: () => T): T;
export const CONSOLE_SOURCE: string;
export function buildConsole(outDir: string): void;
