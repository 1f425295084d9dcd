/**
 * RunLoop: drives a TrainerSession one iteration at a time and honours pause / resume / stop
 * between iterations. After each step it yields to the worker's event loop so that commands sent
 * by the page (pause, stop, export) are handled while a run is in flight.
 */
import type { TrainerSession } from './engine_port';

export type LoopEnd = 'requested' | 'finished' | 'failed';

export interface LoopListener {
  paused(iteration: number): void;
  resumed(iteration: number): void;
  ended(iteration: number, reason: LoopEnd, error?: unknown): void;
}

type Stepper = Pick<TrainerSession, 'iter' | 'maxIter' | 'runStep'>;

/** Lets queued messages run: a macrotask, not a microtask (a resolved promise would not). */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export class RunLoop {
  private pauseRequested = false;
  private stopRequested = false;
  private wake: (() => void) | null = null;
  private running = false;

  constructor(
    private readonly session: Stepper,
    private readonly listener: LoopListener,
    private readonly yieldNow: () => Promise<void> = yieldToEventLoop,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  get isPaused(): boolean {
    return this.wake !== null;
  }

  /** Runs until maxIter, a stop request, or an error; resolves when the loop has ended. */
  async run(): Promise<void> {
    if (this.running) throw new Error('RunLoop.run: already running');
    this.running = true;
    let reason: LoopEnd = 'finished';
    let error: unknown;
    try {
      while (this.session.iter < this.session.maxIter) {
        if (this.pauseRequested && !this.stopRequested) {
          this.listener.paused(this.session.iter);
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
          if (!this.stopRequested) this.listener.resumed(this.session.iter);
        }
        if (this.stopRequested) {
          reason = 'requested';
          break;
        }
        await this.session.runStep();
        await this.yieldNow();
      }
    } catch (e) {
      reason = 'failed';
      error = e;
    }
    this.running = false;
    this.listener.ended(this.session.iter, reason, error);
  }

  pause(): void {
    this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
    this.wake?.();
  }

  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }
}
