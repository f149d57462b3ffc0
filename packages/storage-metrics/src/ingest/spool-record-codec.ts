// The on-disk format of spool segments: an 8-byte magic, then records of
// [payload length u32][crc32 of payload u32][payload], little-endian. A
// payload is the points of one acceptance: [count u32] and per point
// [name bytes u32][name][labels bytes u32][labels JSON][time ms f64][value f64]
// (doubles keep every bit, -0 included). Decoding stops at a torn tail (a
// record cut short by a crash) and skips records whose checksum fails.

import { crc32 } from 'node:zlib';
import type { NormalizedPoint } from '../metric-point.js';

export const SEGMENT_MAGIC = Buffer.from('AGSPOOL1', 'latin1');
const RECORD_HEADER_BYTES = 8;
const POINT_FIXED_BYTES = 4 + 4 + 8 + 8;

/** Encodes records into one growing buffer; take() hands the bytes over and starts again. */
export class SpoolRecordBuffer {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private used = 0;

  get length(): number {
    return this.used;
  }

  /** Appends one record holding `points`; returns its size in bytes. */
  append(points: readonly NormalizedPoint[]): number {
    let payloadBytes = 4;
    for (const point of points) {
      payloadBytes += POINT_FIXED_BYTES + Buffer.byteLength(point.name, 'utf8') + Buffer.byteLength(point.labelsJson, 'utf8');
    }
    const recordBytes = RECORD_HEADER_BYTES + payloadBytes;
    this.reserve(recordBytes);
    const buffer = this.bytes;
    const start = this.used;
    let at = start + RECORD_HEADER_BYTES;
    at = buffer.writeUInt32LE(points.length, at);
    for (const point of points) {
      const nameBytes = buffer.write(point.name, at + 4, 'utf8');
      buffer.writeUInt32LE(nameBytes, at);
      at += 4 + nameBytes;
      const labelBytes = buffer.write(point.labelsJson, at + 4, 'utf8');
      buffer.writeUInt32LE(labelBytes, at);
      at += 4 + labelBytes;
      at = buffer.writeDoubleLE(point.timeMs, at);
      at = buffer.writeDoubleLE(point.value, at);
    }
    buffer.writeUInt32LE(payloadBytes, start);
    buffer.writeUInt32LE(crc32(buffer.subarray(start + RECORD_HEADER_BYTES, at)), start + 4);
    this.used = at;
    return recordBytes;
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
export interface DecodedSegment {
  /** Points of every intact record, in the order they were accepted. */
  points: NormalizedPoint[];
  records: number;
  /** Records skipped because their checksum (or contents) did not match. */
  corruptRecords: number;
  /** Bytes at the end that do not form a whole record (a write cut short). */
  tornTailBytes: number;
  /** The file does not start with the magic (and is ignored). */
  foreign: boolean;
}

export function decodeSegment(file: Buffer): DecodedSegment {
  const out: DecodedSegment = { points: [], records: 0, corruptRecords: 0, tornTailBytes: 0, foreign: false };
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
    const decoded = crc32(payload) === file.readUInt32LE(at + 4) ? decodePayload(payload) : undefined;
    if (decoded) {
      for (const point of decoded) out.points.push(point);
      out.records += 1;
    } else {
      out.corruptRecords += 1;
    }
    at += RECORD_HEADER_BYTES + payloadBytes;
  }
  return out;
}

/** The points of one payload, or undefined when it does not parse exactly. */
function decodePayload(payload: Buffer): NormalizedPoint[] | undefined {
  try {
    const count = payload.readUInt32LE(0);
    const points: NormalizedPoint[] = [];
    let at = 4;
    for (let i = 0; i < count; i += 1) {
      const nameBytes = payload.readUInt32LE(at);
      const name = payload.toString('utf8', at + 4, at + 4 + nameBytes);
      at += 4 + nameBytes;
      const labelBytes = payload.readUInt32LE(at);
      const labelsJson = payload.toString('utf8', at + 4, at + 4 + labelBytes);
      at += 4 + labelBytes;
      const timeMs = payload.readDoubleLE(at);
      const value = payload.readDoubleLE(at + 8);
      at += 16;
      if (at > payload.length) return undefined;
      points.push({ name, labelsJson, seriesKey: `${name}\u0000${labelsJson}`, timeMs, value });
    }
    return at === payload.length ? points : undefined;
  } catch {
    return undefined;
  }
}
