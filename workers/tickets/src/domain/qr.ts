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

async function store(bucket: R2Bucket, ticketId: string, code: string): Promise<Uint8Array> {
  const png = await renderQrPng(code);
  await bucket.put(qrKey(ticketId), png, { httpMetadata: { contentType: "image/png" } });
  return png;
}

/** Renders and stores the PNGs that are not in R2 yet (safe to repeat). */
export async function ensureQrImages(bucket: R2Bucket, tickets: Array<{ id: string; code: string }>): Promise<void> {
  for (const t of tickets) {
    if (!(await bucket.head(qrKey(t.id)))) await store(bucket, t.id, t.code);
  }
}

/** The stored PNG; rendered on the spot (and stored) if issuance had not got that far yet. */
export async function readQrImage(bucket: R2Bucket, ticket: { id: string; code: string }): Promise<ReadableStream | Uint8Array> {
  const obj = await bucket.get(qrKey(ticket.id));
  if (obj) return obj.body;
  return store(bucket, ticket.id, ticket.code);
}
