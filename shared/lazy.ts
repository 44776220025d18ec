/**
 * A value made on first use, once: `const mailer = lazy(() => import('nodemailer'))`. A process loads a module
 * that only some jobs need (and pays its memory) when the first such job runs, not at start. A load that fails is
 * tried again on the next call.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () =>
    (value ??= load().catch((err: unknown) => {
      value = undefined;
      throw err;
    }));
}
