/** Browsers submit textarea line breaks as CRLF; agents get the LF text the operator saw (and the checks count its lines). */
export function fromTextarea(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
