// How a metric point is laid out in a spool record (core's IngestSpool frames
// the records): [name bytes u32][name][labels bytes u32][labels JSON]
// [time ms f64][value f64]. Doubles keep every bit, -0 included.

import type { SpoolItemCodec } from '@ag/storage-core';
import type { NormalizedPoint } from '../metric-point.js';

const POINT_FIXED_BYTES = 4 + 4 + 8 + 8;

export const pointSpoolCodec: SpoolItemCodec<NormalizedPoint> = {
  byteLength(point) {
    return POINT_FIXED_BYTES + Buffer.byteLength(point.name, 'utf8') + Buffer.byteLength(point.labelsJson, 'utf8');
  },
  write(buffer, at, point) {
    const nameBytes = buffer.write(point.name, at + 4, 'utf8');
    buffer.writeUInt32LE(nameBytes, at);
    at += 4 + nameBytes;
    const labelBytes = buffer.write(point.labelsJson, at + 4, 'utf8');
    buffer.writeUInt32LE(labelBytes, at);
    at += 4 + labelBytes;
    at = buffer.writeDoubleLE(point.timeMs, at);
    return buffer.writeDoubleLE(point.value, at);
  },
  read(payload, at) {
    const nameBytes = payload.readUInt32LE(at);
    const name = payload.toString('utf8', at + 4, at + 4 + nameBytes);
    at += 4 + nameBytes;
    const labelBytes = payload.readUInt32LE(at);
    const labelsJson = payload.toString('utf8', at + 4, at + 4 + labelBytes);
    at += 4 + labelBytes;
    const timeMs = payload.readDoubleLE(at);
    const value = payload.readDoubleLE(at + 8);
    return { item: { name, labelsJson, seriesKey: `${name}\u0000${labelsJson}`, timeMs, value }, end: at + 16 };
  },
};
