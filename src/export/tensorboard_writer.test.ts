/**
 * The TensorBoard event file read back by an independent decoder (src/testing/tfevents_decode.ts:
 * bitwise CRC32C, generic protobuf walk): framing CRCs, the file_version event first, and every
 * scalar the storage held, with its step. TensorBoard's own reader cross-checks when /usr/bin/python3
 * has `tensorboard` (Debian does not package it, so it is usually skipped).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStorage } from '../engine/events';
import { crc32c, maskedCrc32c } from './crc32c';
import { eventFileName, FILE_VERSION, tfRecord } from './tfevents';
import { TensorBoardWriter } from './tensorboard_writer';
import { decodeEvent, readRecords } from '../testing/tfevents_decode';
import { SYSTEM_PYTHON, hasPython, skipReason } from '../testing/paths';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

/** A storage as training fills it: losses every iteration, lr, and AP at iteration 3 only. */
function filledStorage(): { storage: EventStorage; expected: Map<string, [number, number][]> } {
  const storage = new EventStorage();
  const expected = new Map<string, [number, number][]>();
  const put = (name: string, v: number, smooth = true) => {
    storage.putScalar(name, v, smooth);
    expected.set(name, [...(expected.get(name) ?? []), [storage.iter, v]]);
  };
  for (let it = 0; it < 6; it++) {
    storage.iter = it;
    put('total_loss', 10 / (it + 1) + 0.123456789);
    put('loss_ce_0', 1 + it * 1e-3);
    put('lr', it < 4 ? 1e-4 : 1e-5, false);
    if (it === 3) put('bbox/AP', 0.25, false);
  }
  return { storage, expected };
}

describe('CRC32C', () => {
  it('matches the standard check value and TensorFlow masking', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    // RFC 3720 B.4: 32 bytes of zeros -> 0x8a9136aa.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    const c = 0xe3069283;
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe((((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0);
  });
});

describe('TensorBoardWriter', () => {
  it('writes file_version first, then every scalar with its step (written in two flushes)', () => {
    const { storage, expected } = filledStorage();
    const chunks: Uint8Array[] = [];
    const w = new TensorBoardWriter((b) => chunks.push(b), () => 1700000000.5);
    w.open(0);
    const all = storage.iter;
    storage.iter = 2;
    w.write(storage); // iterations 0..2
    storage.iter = all;
    w.write(storage); // 3..5
    w.write(storage); // nothing new
    const events = readRecords(concat(chunks)).map(decodeEvent);
    expect(events[0].fileVersion).toBe(FILE_VERSION);
    expect(events[0].wallTime).toBe(1700000000.5);
    const found = new Map<string, [number, number][]>();
    for (const e of events.slice(1)) for (const s of e.scalars) found.set(s.tag, [...(found.get(s.tag) ?? []), [e.step, s.value]]);
    expect([...found.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [tag, pts] of expected) expect(found.get(tag), tag).toEqual(pts.map(([step, v]) => [step, Math.fround(v)]));
    expect(events.slice(1).map((e) => e.step)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a corrupted byte fails the CRC check (the decoder is not blind)', () => {
    const rec = tfRecord(new Uint8Array([1, 2, 3, 4]));
    rec[13] ^= 1;
    expect(() => readRecords(rec)).toThrow(/bad data CRC/);
    const rec2 = tfRecord(new Uint8Array([1, 2, 3, 4]));
    rec2[0] ^= 1;
    expect(() => readRecords(rec2)).toThrow(/bad length CRC/);
  });

  it('names files as TensorBoard expects', () => {
    expect(eventFileName(1700000000.9, 'my host')).toBe('events.out.tfevents.1700000000.my_host');
  });

  const tb = hasPython(['tensorboard']);
  it.skipIf(!tb)('TensorBoard\'s own EventAccumulator reads every scalar', () => {
    const { storage, expected } = filledStorage();
    const chunks: Uint8Array[] = [];
    const w = new TensorBoardWriter((b) => chunks.push(b), () => 1700000000);
    w.open(0);
    w.write(storage);
    const dir = mkdtempSync(join(tmpdir(), 'tb-'));
    writeFileSync(join(dir, eventFileName(1700000000, 'test')), concat(chunks));
    const py = `
import json, sys
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
ea = EventAccumulator(sys.argv[1]); ea.Reload()
print(json.dumps({t: [[e.step, e.value] for e in ea.Scalars(t)] for t in ea.Tags()['scalars']}))`;
    const got = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', py, dir], { encoding: 'utf8' })) as Record<string, [number, number][]>;
    for (const [tag, pts] of expected) expect(got[tag], tag).toEqual(pts.map(([s, v]) => [s, Math.fround(v)]));
  });
  if (!tb) skipReason('TensorBoard cross-check of the event file', '/usr/bin/python3 has no tensorboard module (our independent decoder above still checks the file)');
});
