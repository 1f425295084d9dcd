import { useMemo, useRef, type UIEvent } from 'react';
import type { ConfigIssue } from '../store/config_slice';
import { Icon } from './Icon';

/**
 * The config JSON editor: a plain textarea (the `config-editor` test id) with a line-number gutter
 * that marks the offending line, validated as you type (the store parses every change).
 */
export function ConfigEditor(props: { text: string; issue: ConfigIssue | null; keyCount: number; disabled?: boolean; onChange(text: string): void }) {
  const gutter = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => props.text.split('\n').length, [props.text]);
  const onScroll = (e: UIEvent<HTMLTextAreaElement>) => {
    if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
  };
  const bad = props.issue?.line;
  return (
    <>
      <div className={`editor${props.issue ? ' invalid' : ''}`}>
        <div className="editor-gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => (
            <div key={i} className={bad === i + 1 ? 'bad' : undefined}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          data-testid="config-editor"
          aria-label="Config JSON (official DETR argument names)"
          aria-invalid={props.issue ? true : undefined}
          aria-describedby="config-status"
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          wrap="off"
          value={props.text}
          readOnly={props.disabled}
          onChange={(e) => props.onChange(e.target.value)}
          onScroll={onScroll}
        />
      </div>
      <div id="config-status" className={`editor-status ${props.issue ? 'bad' : 'ok'}`} role="status">
        <Icon name={props.issue ? 'alert' : 'check'} size={14} />
        {props.issue ? (
          <span>
            {props.issue.line !== undefined && <strong>Line {props.issue.line}: </strong>}
            {props.issue.message}
          </span>
        ) : (
          <span>Valid config · {props.keyCount} keys, DETR main.py names{props.disabled ? ' · locked while training' : ''}</span>
        )}
      </div>
    </>
  );
}
