import { useEffect, useRef, useState, type ReactElement } from 'react';
import { t } from '../../i18n';
import { fallbackFileName, formatDuration } from '../../model/attachment-files';
import type { AttachmentDraftsStore } from '../../state/attachment-drafts-store';
import { AttachmentIcon } from './AttachmentIcon';

/** Opus in WebM: what Chromium (and so Electron) records natively, and plays everywhere we run. */
export const VOICE_NOTE_TYPE = 'audio/webm;codecs=opus';
/** Longer recordings stop by themselves: a voice note, not a podcast. */
const MAX_RECORDING_MS = 15 * 60_000;

/** Whether this page can record: a microphone API and a recorder that writes Opus. */
export function canRecordVoice(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function' && typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(VOICE_NOTE_TYPE);
}

interface Recording {
  readonly recorder: MediaRecorder;
  readonly stream: MediaStream;
  readonly startedAt: number;
}

/**
 * The microphone button: records a voice note (MediaRecorder, Opus) until
 * pressed again, then puts it with the files waiting to be sent, marked as
 * a voice note with its length. Absent where the page cannot record.
 */
export function VoiceRecorder({ drafts, disabled, onError }: { drafts: AttachmentDraftsStore; disabled: boolean; onError: (message: string) => void }): ReactElement | null {
  const [supported] = useState(canRecordVoice);
  const [recording, setRecording] = useState<Recording | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const live = useRef<Recording | null>(null);

  // Leaving the chat mid-recording drops it and frees the microphone.
  useEffect(
    () => () => {
      const current = live.current;
      if (!current) return;
      current.recorder.ondataavailable = null;
      current.recorder.onstop = null;
      if (current.recorder.state !== 'inactive') current.recorder.stop();
      for (const track of current.stream.getTracks()) track.stop();
    },
    [],
  );

  useEffect(() => {
    if (!recording) return;
    const timer = setInterval(() => {
      const ms = Date.now() - recording.startedAt;
      setElapsed(ms);
      if (ms >= MAX_RECORDING_MS && recording.recorder.state === 'recording') recording.recorder.stop();
    }, 250);
    return () => clearInterval(timer);
  }, [recording]);

  if (!supported) return null;

  const start = async () => {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    } catch {
      onError(t('attachment.micDenied'));
      return;
    }
    const recorder = new MediaRecorder(stream, { mimeType: VOICE_NOTE_TYPE });
    const pieces: Blob[] = [];
    const current: Recording = { recorder, stream, startedAt: Date.now() };
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) pieces.push(event.data);
    };
    recorder.onstop = () => {
      for (const track of stream.getTracks()) track.stop();
      const durationMs = Date.now() - current.startedAt;
      live.current = null;
      setRecording(null);
      setElapsed(0);
      const now = Date.now();
      const file = new File(pieces, fallbackFileName(VOICE_NOTE_TYPE, now, 'voice-note'), { type: VOICE_NOTE_TYPE, lastModified: now });
      if (file.size > 0) drafts.add([file], { voiceNote: true, durationMs });
    };
    live.current = current;
    recorder.start(1000);
    setRecording(current);
  };

  if (recording) {
    return (
      <button type="button" className="icon-button composer__record composer__record--on" aria-label={t('attachment.stopRecording')} title={t('attachment.stopRecording')} onClick={() => recording.recorder.stop()}>
        <AttachmentIcon name="stop" />
        <span className="composer__record-time" role="status">
          {t('attachment.recording', { time: formatDuration(elapsed) })}
        </span>
      </button>
    );
  }
  return (
    <button type="button" className="icon-button composer__record" aria-label={t('attachment.record')} title={t('attachment.record')} disabled={disabled} onClick={() => void start()}>
      <AttachmentIcon name="mic" />
    </button>
  );
}
