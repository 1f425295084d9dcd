/**
 * The studio page: panels around one store, one training worker. The UI reaches the engine only
 * through the worker protocol (src/worker/client.ts, protocol.ts).
 */
import './styles.css';
import { ChartsPanel } from './components/ChartsPanel';
import { CheckpointsPanel } from './components/CheckpointsPanel';
import { ConfigPanel } from './components/ConfigPanel';
import { DatasetsPanel } from './components/DatasetsPanel';
import { DropOverlay } from './components/DropOverlay';
import { Notices } from './components/Notices';
import { PanelBoundary } from './components/PanelBoundary';
import { PredictionsPanel } from './components/PredictionsPanel';
import { TopBar } from './components/TopBar';
import { TrainingPanel } from './components/TrainingPanel';
import { useServiceWorker } from './hooks/useServiceWorker';
import { useTrainingWorker, WorkerContext } from './hooks/useTrainingWorker';

export function App() {
  const commands = useTrainingWorker();
  const offline = useServiceWorker();
  return (
    <WorkerContext.Provider value={commands}>
      <TopBar offline={offline} />
      <main className="layout">
        <div className="column">
          <PanelBoundary name="Datasets">
            <DatasetsPanel />
          </PanelBoundary>
          <PanelBoundary name="Model & config">
            <ConfigPanel />
          </PanelBoundary>
        </div>
        <div className="column">
          <PanelBoundary name="Training">
            <TrainingPanel />
          </PanelBoundary>
          <PanelBoundary name="Charts">
            <ChartsPanel />
          </PanelBoundary>
          <div className="row-2">
            <PanelBoundary name="Predictions">
              <PredictionsPanel />
            </PanelBoundary>
            <PanelBoundary name="Checkpoints">
              <CheckpointsPanel />
            </PanelBoundary>
          </div>
        </div>
      </main>
      <footer className="footer">detr-studio · DETR (Carion et al., 2020) in TensorFlow.js · your data and weights never leave this browser</footer>
      <Notices />
      <DropOverlay />
    </WorkerContext.Provider>
  );
}
