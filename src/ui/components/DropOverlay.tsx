import { useEffect, useRef, useState } from 'react';
import { filesFromDrop, isWeightsDrop } from '../drop_files';
import { useImports } from '../hooks/useImports';

/**
 * Dropping files anywhere on the page imports them: weights files go to the weights import,
 * anything else (annotations JSON + images, a folder, a .zip) to the training set, exactly as
 * `dataset-input` would.
 */
export function DropOverlay() {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const { importDataset, importWeights } = useImports();

  useEffect(() => {
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setOver(true);
    };
    const overFn = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const leave = () => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer || !hasFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setOver(false);
      void filesFromDrop(e.dataTransfer).then((dropped) => {
        const files = dropped.map((d) => d.file);
        if (isWeightsDrop(files)) importWeights(files[0]);
        else importDataset('train', files, dropped.map((d) => d.path));
      });
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', overFn);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [importDataset, importWeights]);

  if (!over) return null;
  return (
    <div className="drop-overlay">
      <div>
        Drop to import
        <small>a COCO annotations .json with its images, a folder or a .zip — or a .pth / .safetensors</small>
      </div>
    </div>
  );
}
