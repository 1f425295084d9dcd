import { useEffect, useRef, useState } from 'react';
import type { DatasetChoice, GalleryImage } from '../../worker/protocol';
import { categoryColor } from '../category_color';
import { useDatasets } from '../hooks/useDatasets';
import { useStudio } from '../store';
import { selectGallery } from '../store/data_selectors';
import type { DecodedImage } from '../store/data_slice';

/** An object URL for a Blob, revoked when the component lets go of it. */
function useObjectUrl(blob: Blob): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return url;
}

/** Pixels exactly as training decodes them, painted 1:1 into a canvas (scaled by CSS only). */
function DecodedCanvas({ image, fileName }: { image: DecodedImage; fileName: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !image.rgba) return;
    canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height), 0, 0);
  }, [image]);
  if (!image.rgba) return <div className="gallery-decode-error">{image.error ?? 'cannot be decoded'}</div>;
  return <canvas ref={ref} data-testid="gallery-canvas" data-file-name={fileName} width={image.width} height={image.height} aria-label={`${fileName} as the model sees it`} />;
}

/**
 * One stored image with its boxes. The browser decodes it for display only; `image-orientation: none`
 * shows the stored pixels, which the boxes (and DETR) refer to, whatever the EXIF orientation says.
 */
function Thumb({ item, names, decoded }: { item: GalleryImage; names: Map<number, string>; decoded?: DecodedImage | null }) {
  const url = useObjectUrl(item.blob);
  return (
    <figure className="gallery-item" data-testid="gallery-image" data-file-name={item.fileName}>
      <div className="gallery-frame" style={{ aspectRatio: `${item.width} / ${item.height}` }}>
        {decoded ? <DecodedCanvas image={decoded} fileName={item.fileName} /> : url && <img src={url} alt={item.fileName} decoding="async" />}
        <svg viewBox={`0 0 ${item.width} ${item.height}`} preserveAspectRatio="none" aria-hidden="true">
          {item.boxes.map((b, i) => (
            <rect
              key={i}
              x={b.bbox[0]}
              y={b.bbox[1]}
              width={Math.max(0, b.bbox[2])}
              height={Math.max(0, b.bbox[3])}
              fill="none"
              stroke={categoryColor(b.category_id)}
              strokeWidth={2}
              strokeDasharray={b.iscrowd ? '4 3' : undefined}
              vectorEffect="non-scaling-stroke"
            >
              <title>{`${names.get(b.category_id) ?? b.category_id}${b.iscrowd ? ' (crowd)' : ''}`}</title>
            </rect>
          ))}
        </svg>
      </div>
      <figcaption title={item.fileName}>
        <span className="mono">{item.fileName}</span>
        <span>{item.boxes.length}</span>
      </figcaption>
    </figure>
  );
}

/**
 * The images of a stored split with their boxes in category colours, a page at a time. "As the model
 * sees it" swaps the browser's rendering for the worker's training decode (stored orientation, alpha
 * dropped, 16-bit grey clipped, CMYK converted: the pixels DETR trains on).
 */
export function DatasetGallery({ choice, categories }: { choice: DatasetChoice; categories: readonly { id: number; name: string }[] }) {
  const gallery = useStudio(selectGallery);
  const { loadGallery, decodeForView } = useDatasets();
  const [modelView, setModelView] = useState(false);
  useEffect(() => loadGallery(choice, 0), [choice.id, choice.split]); // eslint-disable-line react-hooks/exhaustive-deps
  const names = new Map(categories.map((c) => [c.id, c.name]));
  const mine = gallery && gallery.choice.id === choice.id && gallery.choice.split === choice.split ? gallery : null;
  const items = mine?.items ?? [];
  const decoded = mine?.decoded ?? {};
  useEffect(() => {
    if (!modelView) return;
    for (const it of items) if (!(it.imageId in decoded)) decodeForView(choice, it.imageId);
  }, [modelView, items]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div className="gallery" data-testid="dataset-gallery">
      <label className="gallery-toggle">
        <input type="checkbox" data-testid="gallery-model-view" checked={modelView} onChange={(e) => setModelView(e.target.checked)} />
        As the model sees it (decoded as for training: stored orientation, alpha dropped)
      </label>
      <div className="gallery-grid">
        {items.map((it) => (
          <Thumb key={it.imageId} item={it} names={names} decoded={modelView ? (decoded[it.imageId] ?? null) : undefined} />
        ))}
      </div>
      {mine && items.length < mine.total && (
        <button type="button" className="btn small" disabled={mine.loading} onClick={() => loadGallery(choice, items.length)}>
          Show more ({items.length} of {mine.total})
        </button>
      )}
    </div>
  );
}
