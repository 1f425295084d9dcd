import type { ChangeEvent } from 'react';
import { Icon, type IconName } from './Icon';

/**
 * A file picker that looks like a drop zone: the real `<input type="file">` is inside the label,
 * visually hidden (tests drive it through its test id; keyboard users tab to it).
 */
export function FileDrop(props: {
  testId: string;
  title: string;
  subtitle: string;
  accept?: string;
  multiple?: boolean;
  icon: IconName;
  compact?: boolean;
  disabled?: boolean;
  onFiles(files: File[]): void;
}) {
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = ''; // choosing the same files again still fires
    if (files.length > 0) props.onFiles(files);
  };
  return (
    <label className={`dropzone${props.compact ? ' compact' : ''}`} aria-disabled={props.disabled}>
      <input className="visually-hidden" type="file" data-testid={props.testId} accept={props.accept} multiple={props.multiple} disabled={props.disabled} onChange={onChange} />
      <span className="dropzone-icon">
        <Icon name={props.icon} size={props.compact ? 16 : 19} />
      </span>
      <span className="dropzone-text">
        <span className="dropzone-title">{props.title}</span>
        <span className="dropzone-sub">{props.subtitle}</span>
      </span>
    </label>
  );
}
