/** A Server-Sent Events stream read from a fetch body: `next(want)` resolves with the first event `want` accepts. */
export type EventStream = { next(want: (event: string, data: any) => boolean): Promise<{ event: string; data: any }>; close(): Promise<void> };

export function readEvents(body: ReadableStream<Uint8Array>): EventStream {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(want) {
      for (;;) {
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
          if (want(event, data)) return { event, data };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => reader.cancel(),
  };
}
