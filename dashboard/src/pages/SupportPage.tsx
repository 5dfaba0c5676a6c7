// TODO(shell): being written.
export function SupportPage() {
  return <section><h1>SupportPage</h1></section>;
}
