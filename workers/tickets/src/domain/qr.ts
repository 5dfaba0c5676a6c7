import QRCode from "qrcode/lib/server.js";

export const qrKey = (ticketId: string) => `qr/${ticketId}.png`;
export const qrUrl = (ticketId: string) => `/api/tickets/${ticketId}/qr.png`;

// Grayscale with the PNG "up" filter: about 2.5x less CPU and half the bytes of qrcode's RGBA
// default, since a QR image is mostly rows identical to the one above (measured in workerd).
const PNG_OPTIONS = { filterType: 2, colorType: 0, deflateStrategy: 0 };

export async function renderQrPng(code: string): Promise<Uint8Array> {
  const png = await QRCode.toBuffer(code, { type: "png", errorCorrectionLevel: "M", margin: 4, scale: 5, rendererOpts: PNG_OPTIONS });
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * The ticket's PNG from R2; on the first request it is rendered and stored, so issuance never
 * pays for it. Two concurrent first requests may both render: the image is the same, the second
 * put just overwrites it.
 */
export async function readQrImage(bucket: R2Bucket, ticket: { id: string; code: string }): Promise<ReadableStream | Uint8Array> {
  const stored = await bucket.get(qrKey(ticket.id));
  if (stored) return stored.body;
  const png = await renderQrPng(ticket.code);
  await bucket.put(qrKey(ticket.id), png, { httpMetadata: { contentType: "image/png" } });
  return png;
}
