import type { ReactNode } from 'react';

export function StatTile(props: { label: string; testId?: string; children: ReactNode; title?: string }) {
  return (
    <div className="stat" title={props.title}>
      <div className="stat-label">{props.label}</div>
      <div className="stat-value" data-testid={props.testId}>
        {props.children}
      </div>
    </div>
  );
}
