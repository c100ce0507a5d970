/** Long enough for the browser (or Electron's save dialog) to have taken the file; then the Blob can go. */
const REVOKE_AFTER_MS = 60_000;

/**
 * Offers a Blob as a download: the browser, or Electron's save dialog
 * (main/app's session guards let our own blob: downloads through), asks
 * where it goes. Nothing is written anywhere the person did not choose.
 */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
