import { Component, type ErrorInfo, type ReactNode } from 'react';

/**
 * Keeps a failing panel from taking the page down: the panel shows what broke and offers to
 * redraw; the others, and the training worker, carry on.
 */
export class PanelBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`detr-studio: the ${this.props.name} panel failed`, error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <section className="panel" role="alert">
        <header className="panel-head">
          <h2 className="panel-title">{this.props.name}</h2>
          <span className="panel-sub">stopped working</span>
          <div className="panel-actions">
            <button type="button" className="btn small" onClick={() => this.setState({ error: null })}>
              Redraw
            </button>
          </div>
        </header>
        <div className="panel-body">
          <p className="hint">
            This panel hit an error and was stopped so the rest of the page keeps working: <code>{this.state.error.message}</code>
          </p>
        </div>
      </section>
    );
  }
}
