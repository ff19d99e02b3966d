// Things a helper caches for the test file that made them (a template repo, say), removed after
// that file: tests/setup/each-file.ts runs disposeFileScoped in an afterAll of every file. With
// isolate: false a helper module is loaded once per test worker, so a helper cannot register an
// afterAll of its own for each file, and an 'exit' handler never runs in a worker vitest ends.
const pending: (() => void | Promise<void>)[] = [];

/** Run `dispose` after the current test file. */
export function fileScoped(dispose: () => void | Promise<void>): void {
  pending.push(dispose);
}

export async function disposeFileScoped(): Promise<void> {
  for (const dispose of pending.splice(0).reverse()) await dispose();
}
