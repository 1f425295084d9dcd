import { describe, expect, it } from 'vitest';
import { hasPython, skipReason } from '../../testing/paths';
import { runPickle } from './pickle_vm';
import { canon, torchCases } from '../../testing/pth_canon';

const ok = hasPython(['torch']);
if (!ok) skipReason('pickle VM tests against Python pickle', 'needs /usr/bin/python3 with torch');

const bytes = (...parts: (string | number[])[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const run = (b: Uint8Array) => runPickle(b, 0, { file: 'x.pth' }).value;

describe('runPickle', () => {
  it.skipIf(!ok)('reads what Python pickles at protocols 0-5 (ints, big ints, floats, str, bytes, tuples, sets, int/tuple keys, shared lists)', () => {
    const { pickles, canon: expected } = JSON.parse(torchCases('pickles')) as { pickles: Record<string, string>; canon: unknown };
    for (const [protocol, hex] of Object.entries(pickles)) {
      const b = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
      const { value, end } = runPickle(b, 0, { file: 'p.pkl' });
      expect(end, `protocol ${protocol}`).toBe(b.length);
      expect(canon(value), `protocol ${protocol}`).toEqual(expected);
    }
  });

  const bad: [string, Uint8Array, string][] = [
    ['truncated', bytes([0x80, 2], '}q', [0]), 'x.pth: bad pickle at byte 5: the file ends before the pickle STOP (truncated?)'],
    ['truncated string', bytes([0x80, 2], 'X', [9, 0, 0, 0], 'ab'), 'the file ends inside the pickle'],
    ['unknown opcode', bytes([0x80, 2, 0xff]), 'unknown opcode 0xff'],
    ['missing memo', bytes([0x80, 2], 'h', [3], '.'), 'memo key 3 was never stored'],
    ['stack underflow', bytes([0x80, 2], 's.'), 'stack underflow'],
    ['extension registry', bytes([0x80, 2, 0x82, 1], '.'), 'the extension registry'],
    ['protocol-4 STACK_GLOBAL', bytes([0x80, 4, 0x8c, 8], 'builtins', [0x8c, 7], 'getattr', [0x93], '.'), 'refusing to load x.pth: its pickle references builtins.getattr'],
    ['protocol-0 INST', bytes('(S\'ls\'\nios\nsystem\n.'), 'refusing to load x.pth: its pickle references os.system'],
    ['REDUCE on a storage class', bytes('ctorch\nFloatStorage\n)R.'), 'REDUCE calls a torch.FloatStorage, which is not an allowed callable'],
    ['BUILD on a list', bytes(']}b.'), 'sets state on a list'],
    ['persistent id outside a torch file', bytes('X', [1, 0, 0, 0], 'kQ.'), 'a persistent id where none is allowed'],
  ];
  for (const [what, b, message] of bad) {
    it(`refuses a bad pickle (${what}) with a message naming the place`, () => {
      expect(() => run(b)).toThrow(message);
    });
  }

  it('rebuilds argparse.Namespace (NEWOBJ + BUILD) as a dict of its fields and drops OrderedDict _metadata', () => {
    const ns = run(bytes([0x80, 2], 'cargparse\nNamespace\n)', [0x81], '}X', [2, 0, 0, 0], 'lrG', [0x3f, 0x1a, 0x36, 0xe2, 0xeb, 0x1c, 0x43, 0x2d], 'sb.'));
    expect(canon(ns)).toEqual({ __dict__: 'dict', items: [['str', 'lr', 1e-4]] });
    const od = run(bytes([0x80, 2], 'ccollections\nOrderedDict\n)R}X', [9, 0, 0, 0], '_metadata}sb.'));
    expect(canon(od)).toEqual({ __dict__: 'OrderedDict', items: [] });
  });
});
