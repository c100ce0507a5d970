import type { Row } from '../sqlite';

/** Column readers: the schema guarantees the types, these keep the casts in one place. */
export const text = (row: Row, column: string): string => row[column] as string;
export const textOrNull = (row: Row, column: string): string | null => (row[column] as string | null) ?? null;
export const int = (row: Row, column: string): number => row[column] as number;
export const intOrNull = (row: Row, column: string): number | null => (row[column] as number | null) ?? null;
export const blob = (row: Row, column: string): Uint8Array => row[column] as Uint8Array;
export const blobOrNull = (row: Row, column: string): Uint8Array | null => (row[column] as Uint8Array | null) ?? null;

/** `?, ?, ?` for an IN list of `count` values. */
export const placeholders = (count: number): string => new Array(count).fill('?').join(', ');
