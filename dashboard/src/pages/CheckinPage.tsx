// TODO(shell): being written.
export function CheckinPage({ eventId }: { eventId: string }) {
  return <section><h1>CheckinPage</h1></section>;
}
