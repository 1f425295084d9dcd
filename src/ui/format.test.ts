import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatMetric, formatRate, formatTick, plural } from './format';

describe('format', () => {
  it('metrics', () => {
    expect(formatMetric(1.234567)).toBe('1.235');
    expect(formatMetric(0.0001)).toBe('1.00e−4');
    expect(formatMetric(0)).toBe('0');
    expect(formatMetric(undefined)).toBe('—');
    expect(formatMetric(NaN)).toBe('—');
    expect(formatMetric(42)).toBe('42');
  });
  it('ticks', () => {
    expect(formatTick(8e-5)).toBe('8e−5');
    expect(formatTick(1e-4)).toBe('1e−4');
    expect(formatTick(2.5e-5)).toBe('2.5e−5');
    expect(formatTick(0.25)).toBe('0.25');
    expect(formatTick(120000)).toBe('1.2e5');
    expect(formatTick(0)).toBe('0');
  });
  it('durations', () => {
    expect(formatDuration(12.4)).toBe('12s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3720)).toBe('1h 02m');
    expect(formatDuration(3 * 86400 + 7200)).toBe('3d 2h');
    expect(formatDuration(undefined)).toBe('—');
  });
  it('rates', () => {
    expect(formatRate(2.314)).toBe('2.31 it/s');
    expect(formatRate(0.25)).toBe('4.00 s/it');
    expect(formatRate(0)).toBe('—');
  });
  it('bytes and plurals', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(166 * 1024 * 1024)).toBe('166 MB');
    expect(plural(1, 'image')).toBe('1 image');
    expect(plural(1200, 'box', 'boxes')).toBe('1200 boxes');
    expect(plural(0, 'category', 'categories')).toBe('0 categories');
  });
});
