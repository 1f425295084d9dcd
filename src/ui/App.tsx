export function App() {
  return (
    <main>
      <h1>detr-studio</h1>
      <p>Train DETR in your browser on your own GPU.</p>
    </main>
  );
}
