import type { ReactNode } from 'react';

/** A titled card; every panel of the page is one. */
export function Panel(props: { id: string; title: string; subtitle?: ReactNode; actions?: ReactNode; className?: string; children: ReactNode }) {
  return (
    <section className={`panel ${props.className ?? ''}`} id={props.id} aria-labelledby={`${props.id}-title`}>
      <header className="panel-head">
        <h2 className="panel-title" id={`${props.id}-title`}>
          {props.title}
        </h2>
        {props.subtitle && <span className="panel-sub">{props.subtitle}</span>}
        {props.actions && <div className="panel-actions">{props.actions}</div>}
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}
