import { useEffect, useRef, useState, type RefObject } from 'react';

/** Whether a drag carries files (not text or a link dragged within the page). */
function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Files dropped onto an element (the open chat): `dragging` is true while
 * files are held over it, so it can show where they will go. Nested
 * elements fire enter/leave pairs of their own, hence the counter.
 */
export function useFileDrop<E extends HTMLElement>(onFiles: (files: File[]) => void, enabled: boolean): { ref: RefObject<E | null>; dragging: boolean } {
  const ref = useRef<E>(null);
  const [dragging, setDragging] = useState(false);
  const latest = useRef(onFiles);
  latest.current = onFiles;

  useEffect(() => {
    const el = ref.current;
    if (!el || !enabled) return;
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth += 1;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      // Without this the browser opens the file instead of dropping it here.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length) latest.current(files);
    };
    el.addEventListener('dragenter', enter);
    el.addEventListener('dragover', over);
    el.addEventListener('dragleave', leave);
    el.addEventListener('drop', drop);
    return () => {
      el.removeEventListener('dragenter', enter);
      el.removeEventListener('dragover', over);
      el.removeEventListener('dragleave', leave);
      el.removeEventListener('drop', drop);
      setDragging(false);
    };
  }, [enabled]);

  return { ref, dragging };
}

/** Files pasted into the composer (a copied image or file); null when the paste is only text. */
export function filesFromPaste(data: DataTransfer | null): File[] | null {
  if (!data) return null;
  const files = [...data.items].filter((item) => item.kind === 'file').map((item) => item.getAsFile()).filter((file): file is File => file !== null);
  return files.length ? files : null;
}
