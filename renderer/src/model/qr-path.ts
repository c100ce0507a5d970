/**
 * An SVG path drawing the dark modules of a QR matrix, one unit square each,
 * merged per row run so the path stays short.
 */
export function qrPath(modules: readonly (readonly boolean[])[]): string {
  let path = '';
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x += 1;
      path += `M${start} ${y}h${x - start}v1h${start - x}z`;
    }
  });
  return path;
}

/** Bytes from base64, without Node's Buffer (this runs in the page). */
export function base64Bytes(text: string): number[] {
  const binary = atob(text);
  return Array.from(binary, (char) => char.charCodeAt(0));
}
