import { useMemo, type ReactElement } from 'react';
import { encode } from 'uqr';
import { base64Bytes, qrPath } from '../../model/qr-path';

/**
 * A QR code as inline SVG (no canvas, no data URL): the safety number's
 * scannable form, libsignal's fingerprint bytes, encoded as binary.
 */
export function QrCode({ payloadBase64, label }: { payloadBase64: string; label: string }): ReactElement {
  const { size, path } = useMemo(() => {
    const qr = encode(base64Bytes(payloadBase64), { ecc: 'M', border: 2 });
    return { size: qr.size, path: qrPath(qr.data) };
  }, [payloadBase64]);
  return (
    <svg className="qr-code" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shapeRendering="crispEdges" data-testid="safety-number-qr">
      <rect width={size} height={size} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
