// A file or request `npm run inject` will not change: its message is the one line the user sees, and the exit code is 2.
export class Refusal extends Error {
  override name = 'Refusal';
}
