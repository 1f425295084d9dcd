import { useStudio } from '../store';
import { selectNotices } from '../store/selectors';
import { Icon } from './Icon';

/** Failures of one-off commands (exports, predictions) as dismissible toasts. */
export function Notices() {
  const notices = useStudio(selectNotices);
  const dismiss = useStudio((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div className="notice" key={n.id}>
          <Icon name="alert" size={15} />
          <span>{n.text}</span>
          <button type="button" onClick={() => dismiss(n.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
