/**
 * TrainingClient: the page's typed handle on the training worker (main thread). The UI sends
 * commands and receives every event through one listener; nothing else talks to the worker.
 */
import type { WorkerCommand, WorkerEvent } from './protocol';

export type WorkerEventListener = (event: WorkerEvent) => void;

export class TrainingClient {
  private readonly worker: Worker;
  private nextRequestId = 1;

  constructor(listener: WorkerEventListener) {
    this.worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'detr-training' });
    this.worker.onmessage = (e: MessageEvent<WorkerEvent>) => listener(e.data);
    // A worker that fails to load (script error, blocked module) reports here, not through events.
    this.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      listener({ type: 'failed', message: `the training worker could not run: ${e.message || 'it failed to load'}` });
    };
    this.worker.onmessageerror = () => listener({ type: 'failed', message: 'a message from the training worker could not be read' });
  }

  send(command: WorkerCommand): void {
    this.worker.postMessage(command);
  }

  /** A fresh id for a command that expects its own reply (predict, exports). */
  requestId(): number {
    return this.nextRequestId++;
  }

  terminate(): void {
    this.worker.terminate();
  }
}
