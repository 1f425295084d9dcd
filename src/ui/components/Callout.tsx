import type { ReactNode } from 'react';
import { Icon } from './Icon';

const ICONS = { info: 'info', warn: 'alert', danger: 'alert', ok: 'check' } as const;

/** A one-message box: a refusal, a warning, a hint. */
export function Callout(props: { kind: keyof typeof ICONS; testId?: string; children: ReactNode; action?: ReactNode }) {
  return (
    <div className={`callout ${props.kind}`} data-testid={props.testId} role={props.kind === 'danger' ? 'alert' : undefined}>
      <Icon name={ICONS[props.kind]} size={15} />
      <div>{props.children}</div>
      {props.action}
    </div>
  );
}
