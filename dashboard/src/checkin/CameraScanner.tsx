import { useEffect, useRef, useState } from "react";
import { useT } from "../i18n";
import { Button, Spinner } from "../components";

type Detect = (source: HTMLVideoElement, canvas: HTMLCanvasElement) => Promise<string | null>;

interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type BarcodeDetectorCtor = { new (opts: { formats: string[] }): BarcodeDetectorLike; getSupportedFormats(): Promise<string[]> };

/** The browser's BarcodeDetector where it reads QR codes, else jsQR (loaded only now). */
async function makeDetector(): Promise<Detect> {
  const Native = (globalThis as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
  if (Native && (await Native.getSupportedFormats().catch((): string[] => [])).includes("qr_code")) {
    const detector = new Native({ formats: ["qr_code"] });
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
  }
  const { default: jsQR } = await import("jsqr");
  return async (video, canvas) => {
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (!w || !h) return null;
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) return null;
    ctx.drawImage(video, 0, 0, w, h);
    return jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" })?.data ?? null;
  };
}

const REPEAT_MS = 3000;

/** Reads QR codes from the device camera and hands each new one to `onCode`. */
export function CameraScanner({ onCode }: { onCode: (code: string) => void }) {
  const t = useT();
  const [on, setOn] = useState(false);
  const [starting, setStarting] = useState(false);
  const [failed, setFailed] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const handler = useRef(onCode);
  handler.current = onCode;

  useEffect(() => {
    if (!on) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let last = { code: "", at: 0 };
    (async () => {
      setStarting(true);
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        if (stopped || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        const detect = await makeDetector();
        setStarting(false);
        const tick = async () => {
          if (stopped || !video.current || !canvas.current) return;
          const code = await detect(video.current, canvas.current).catch(() => null);
          const now = Date.now();
          if (code && (code !== last.code || now - last.at > REPEAT_MS)) {
            last = { code, at: now };
            handler.current(code);
          }
          timer = setTimeout(tick, 200);
        };
        void tick();
      } catch {
        setFailed(true);
        setStarting(false);
        setOn(false);
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [on]);

  return (
    <div className="stack">
      <div className="actions">
        <Button variant="secondary" onClick={() => { setFailed(false); setOn(!on); }}>
          {on ? t("checkin.stopCamera") : t("checkin.camera")}
        </Button>
        {starting && <Spinner inline />}
      </div>
      {failed && <p className="notice notice-warn">{t("checkin.cameraError")}</p>}
      {on && (
        <>
          <p className="meta">{t("checkin.cameraHint")}</p>
          <video ref={video} className="camera" muted playsInline aria-label={t("checkin.camera")} />
          <canvas ref={canvas} hidden />
        </>
      )}
    </div>
  );
}
