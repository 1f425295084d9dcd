import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

export function EmptyState(props: { icon: IconName; title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <span className="empty-icon">
        <Icon name={props.icon} size={20} />
      </span>
      <strong>{props.title}</strong>
      {props.children && <span>{props.children}</span>}
    </div>
  );
}
