import { useEffect, useState } from 'react';
import type { DatasetChoice, GalleryImage } from '../../worker/protocol';
import { categoryColor } from '../category_color';
import { useDatasets } from '../hooks/useDatasets';
import { useStudio } from '../store';
import { selectGallery } from '../store/data_selectors';

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

/**
 * One stored image with its boxes. The browser decodes it for display only; `image-orientation: none`
 * shows the stored pixels, which the boxes (and DETR) refer to, whatever the EXIF orientation says.
 */
function Thumb({ item, names }: { item: GalleryImage; names: Map<number, string> }) {
  const url = useObjectUrl(item.blob);
  return (
    <figure className="gallery-item" data-testid="gallery-image" data-file-name={item.fileName}>
      <div className="gallery-frame" style={{ aspectRatio: `${item.width} / ${item.height}` }}>
        {url && <img src={url} alt={item.fileName} decoding="async" />}
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

/** The images of a stored split with their boxes in category colours, a page at a time. */
export function DatasetGallery({ choice, categories }: { choice: DatasetChoice; categories: readonly { id: number; name: string }[] }) {
  const gallery = useStudio(selectGallery);
  const { loadGallery } = useDatasets();
  useEffect(() => loadGallery(choice, 0), [choice.id, choice.split]); // eslint-disable-line react-hooks/exhaustive-deps
  const names = new Map(categories.map((c) => [c.id, c.name]));
  const mine = gallery && gallery.choice.id === choice.id && gallery.choice.split === choice.split ? gallery : null;
  const items = mine?.items ?? [];
  return (
    <div className="gallery" data-testid="dataset-gallery">
      <div className="gallery-grid">
        {items.map((it) => (
          <Thumb key={it.imageId} item={it} names={names} />
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
