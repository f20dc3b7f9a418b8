/**
 * A byte stream read from an async source of text, pulled as the client reads: nothing is
 * produced ahead of the reader, and when the client goes away the source is closed (its
 * `finally` blocks run), so a large export holds one page in memory, never the whole.
 */
export function textStream(source: AsyncGenerator<string>, chunkChars = 64 * 1024): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = "";
      try {
        while (chunk.length < chunkChars) {
          const next = await source.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += next.value;
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}
