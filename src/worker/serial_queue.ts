/**
 * SerialQueue: runs async jobs one after another. The worker puts every engine call (training
 * step, export, predict, evaluate) through one queue, so an export asked for mid-run reads the
 * weights between two steps, never during one.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    // Keep the chain alive whatever the job does; callers see its own outcome.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
