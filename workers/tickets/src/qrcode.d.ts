// qrcode ships no types; this is the one function tickets uses (server build: PNG via pngjs).
declare module "qrcode/lib/server.js" {
  export function toBuffer(
    text: string,
    options?: {
      type?: "png";
      errorCorrectionLevel?: "L" | "M" | "Q" | "H";
      margin?: number;
      scale?: number;
      width?: number;
      /** Passed to pngjs (filterType, colorType, deflateLevel, deflateStrategy, …). */
      rendererOpts?: Record<string, number>;
    },
  ): Promise<Uint8Array>;
  const QRCode: { toBuffer: typeof toBuffer };
  export default QRCode;
}
