/** The quota check's arithmetic and message (the browser part, estimate(), is exercised by the e2e). */
import { describe, expect, it } from 'vitest';
import { quotaProblem } from './dataset_writer';

describe('quotaProblem', () => {
  it('names the MB needed (with 5% room for IndexedDB) and the MB the browser still allows', () => {
    expect(quotaProblem(100e6, { quota: 1000e6, usage: 800e6 })).toBeNull();
    expect(quotaProblem(100e6, { quota: 1000e6, usage: 900e6 })).toBe(
      'not enough storage for this dataset: it needs 105.0 MB and the browser allows 100.0 MB more (quota 1000.0 MB, 900.0 MB used); delete stored datasets or free disk space, then import again',
    );
    expect(quotaProblem(1, { quota: 10, usage: 20 })).toMatch(/allows 0\.0 MB more/);
  });
  it('says nothing when the browser gives no estimate', () => {
    expect(quotaProblem(1e12, {})).toBeNull();
  });
});
