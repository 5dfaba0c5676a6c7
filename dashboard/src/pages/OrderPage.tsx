// TODO(shell): being written.
export function OrderPage({ id }: { id: string }) {
  return <section><h1>OrderPage</h1></section>;
}
