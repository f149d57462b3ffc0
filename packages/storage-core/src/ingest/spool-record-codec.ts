// The on-disk format of spool segments: an 8-byte magic, then records of
// [payload length u32][crc32 of payload u32][payload], little-endian. A
// payload is the items of one acceptance: [count u32] and each item as its
// SpoolItemCodec lays it out (the metrics one keeps every bit of a double,
// -0 included). Decoding stops at a torn tail (a record cut short by a crash)
// and skips records whose checksum fails.

import { crc32 } from 'node:zlib';

export const SEGMENT_MAGIC = Buffer.from('AGSPOOL1', 'latin1');
const RECORD_HEADER_BYTES = 8;

/** How one item is laid out in a spool record, given by the pipeline's owner. */
export interface SpoolItemCodec<T> {
  /** Bytes `item` takes (an upper bound is fine only if write returns the true end). */
  byteLength(item: T): number;
  /** Writes `item` at `at`; returns the offset after it. */
  write(buffer: Buffer, at: number, item: T): number;
  /** Reads one item at `at`; returns it and the offset after it. May throw on bad bytes. */
  read(payload: Buffer, at: number): { item: T; end: number };
}

/** Encodes records into one growing buffer; take() hands the bytes over and starts again. */
export class SpoolRecordBuffer<T> {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private used = 0;

  constructor(private readonly codec: SpoolItemCodec<T>) {}

  get length(): number {
    return this.used;
  }

  /** Appends one record holding `items`; returns its size in bytes. */
  append(items: readonly T[]): number {
    let payloadBytes = 4;
    for (const item of items) payloadBytes += this.codec.byteLength(item);
    this.reserve(RECORD_HEADER_BYTES + payloadBytes);
    const buffer = this.bytes;
    const start = this.used;
    let at = start + RECORD_HEADER_BYTES;
    at = buffer.writeUInt32LE(items.length, at);
    for (const item of items) at = this.codec.write(buffer, at, item);
    const written = at - start - RECORD_HEADER_BYTES;
    buffer.writeUInt32LE(written, start);
    buffer.writeUInt32LE(crc32(buffer.subarray(start + RECORD_HEADER_BYTES, at)), start + 4);
    this.used = at;
    return RECORD_HEADER_BYTES + written;
  }

  /** The bytes appended since the last take (a copy), and an empty buffer again. */
  take(): Buffer {
    const out = Buffer.from(this.bytes.subarray(0, this.used));
    this.used = 0;
    return out;
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + extra));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}

/** What a segment file held. */
export interface DecodedSegment<T> {
  /** Items of every intact record, in the order they were accepted. */
  items: T[];
  records: number;
  /** Records skipped because their checksum (or contents) did not match. */
  corruptRecords: number;
  /** Bytes at the end that do not form a whole record (a write cut short). */
  tornTailBytes: number;
  /** The file does not start with the magic (and is ignored). */
  foreign: boolean;
}

export function decodeSegment<T>(file: Buffer, codec: SpoolItemCodec<T>): DecodedSegment<T> {
  const out: DecodedSegment<T> = { items: [], records: 0, corruptRecords: 0, tornTailBytes: 0, foreign: false };
  if (file.length < SEGMENT_MAGIC.length) {
    // Created, and the crash came before the magic was on disk.
    out.foreign = file.length > 0 && !SEGMENT_MAGIC.subarray(0, file.length).equals(file);
    out.tornTailBytes = out.foreign ? 0 : file.length;
    return out;
  }
  if (!file.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC)) {
    out.foreign = true;
    return out;
  }
  let at = SEGMENT_MAGIC.length;
  while (at < file.length) {
    const remaining = file.length - at;
    const payloadBytes = remaining >= RECORD_HEADER_BYTES ? file.readUInt32LE(at) : 0;
    // A zero length is a zero-filled tail (never written by the encoder); a
    // length past the end is a record cut short. Either way: the end.
    if (payloadBytes === 0 || RECORD_HEADER_BYTES + payloadBytes > remaining) {
      out.tornTailBytes = remaining;
      break;
    }
    const payload = file.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + payloadBytes);
    const decoded = crc32(payload) === file.readUInt32LE(at + 4) ? decodePayload(payload, codec) : undefined;
    if (decoded) {
      for (const item of decoded) out.items.push(item);
      out.records += 1;
    } else {
      out.corruptRecords += 1;
    }
    at += RECORD_HEADER_BYTES + payloadBytes;
  }
  return out;
}

/** The items of one payload, or undefined when it does not parse exactly. */
function decodePayload<T>(payload: Buffer, codec: SpoolItemCodec<T>): T[] | undefined {
  try {
    const count = payload.readUInt32LE(0);
    const items: T[] = [];
    let at = 4;
    for (let i = 0; i < count; i += 1) {
      const { item, end } = codec.read(payload, at);
      at = end;
      if (at > payload.length) return undefined;
      items.push(item);
    }
    return at === payload.length ? items : undefined;
  } catch {
    return undefined;
  }
}
