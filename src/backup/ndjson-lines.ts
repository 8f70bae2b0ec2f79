import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';

/** One line of an NDJSON body, numbered from 1 for error messages. */
export interface NumberedLine {
  number: number;
  text: string;
}

export interface LineLimits {
  /** Bytes of the whole body. */
  maxBytes: number;
  /** Bytes of one line. */
  maxLineBytes: number;
  /** Lines that are not blank. */
  maxLines: number;
}

/**
 * Splits a streamed body into UTF-8 lines (`\n` or `\r\n`), holding at most
 * one line in memory, and stops at the first limit it passes with a `413`
 * that names it. Invalid UTF-8 is a `400` naming the line. A `\n` byte never
 * occurs inside a multi-byte UTF-8 sequence, so splitting bytes is exact.
 */
export async function* ndjsonLines(body: AsyncIterable<Buffer>, limits: LineLimits): AsyncGenerator<NumberedLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;
  let number = 0;
  let lines = 0;
  const finish = (bytes: Buffer): NumberedLine | undefined => {
    number += 1;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new BadRequestException(`line ${number} is not valid UTF-8`);
    }
    if (text.trim() === '') return undefined;
    if (++lines > limits.maxLines) throw new PayloadTooLargeException(`the file has more than ${limits.maxLines} records (IMPORT_MAX_RECORDS)`);
    return { number, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };
  for await (const chunk of body) {
    total += chunk.length;
    if (total > limits.maxBytes) throw new PayloadTooLargeException(`the file is larger than ${limits.maxBytes} bytes (IMPORT_MAX_BYTES)`);
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const line = Buffer.concat([...pending, chunk.subarray(start, nl)]);
      pending = [];
      pendingBytes = 0;
      if (line.length > limits.maxLineBytes) throw tooLong(number + 1, limits.maxLineBytes);
      const done = finish(line);
      if (done) yield done;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    pendingBytes += rest.length;
    if (pendingBytes > limits.maxLineBytes) throw tooLong(number + 1, limits.maxLineBytes);
    if (rest.length > 0) pending.push(rest);
  }
  const last = finish(Buffer.concat(pending));
  if (last) yield last;
}

function tooLong(line: number, max: number): PayloadTooLargeException {
  return new PayloadTooLargeException(`line ${line} is longer than ${max} bytes (6 × PROMPT_MAX_BYTES + 64 KiB)`);
}
