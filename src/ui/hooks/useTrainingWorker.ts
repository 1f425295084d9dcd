/**
 * The page's connection to the training worker. `useTrainingWorker` (called once, in App) owns the
 * TrainingClient: it starts a worker for the chosen backend, routes every event to the store
 * (and saves exported files), and replaces the worker when the backend choice changes.
 * Components reach it through `useWorkerCommands`.
 */
import { createContext, useContext, useEffect, useMemo, useRef } from 'react';
import { TrainingClient } from '../../worker/client';
import type { WorkerCommand, WorkerEvent } from '../../worker/protocol';
import { saveBytes } from '../download';
import { useStudio } from '../store';

export interface WorkerCommands {
  send(command: WorkerCommand): void;
  /** A fresh id for commands that get their own reply. */
  nextRequestId(): number;
}

export const WorkerContext = createContext<WorkerCommands | null>(null);

export function useWorkerCommands(): WorkerCommands {
  const commands = useContext(WorkerContext);
  if (!commands) throw new Error('useWorkerCommands: no WorkerContext.Provider above this component');
  return commands;
}

/** Side effects of events that the pure reducer cannot do. */
function sideEffects(event: WorkerEvent): void {
  if (event.type === 'weightsExported' || event.type === 'checkpointExported' || event.type === 'metricsExported') saveBytes(event.fileName, event.bytes);
}

export function useTrainingWorker(): WorkerCommands {
  const backendChoice = useStudio((s) => s.backendChoice);
  const receive = useStudio((s) => s.receive);
  const client = useRef<TrainingClient | null>(null);
  const requestIds = useRef(1);

  useEffect(() => {
    const c = new TrainingClient((event) => {
      sideEffects(event);
      receive(event);
    });
    client.current = c;
    c.send({ type: 'init', backend: backendChoice === 'auto' ? undefined : backendChoice });
    c.send({ type: 'listDatasets' }); // stored datasets need no backend: listed at once
    return () => {
      c.terminate();
      if (client.current === c) client.current = null;
    };
  }, [backendChoice, receive]);

  return useMemo<WorkerCommands>(
    () => ({
      send: (command) => {
        if (!client.current) throw new Error('the training worker is not running');
        client.current.send(command);
      },
      nextRequestId: () => requestIds.current++,
    }),
    [],
  );
}
