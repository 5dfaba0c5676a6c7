// The app's ONE service worker, /sw.js (emitted by vite.config.ts from sw-template.ts, production
// builds only): the offline app shell for the door check-in, and Web Push notifications.

export const SERVICE_WORKER_URL = "/sw.js";

export const serviceWorkerAvailable = (): boolean => import.meta.env.PROD && typeof navigator !== "undefined" && "serviceWorker" in navigator;

/** Registers /sw.js (registering the same URL again is a no-op); null where there is none. */
export function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!serviceWorkerAvailable()) return Promise.resolve(null);
  return navigator.serviceWorker.register(SERVICE_WORKER_URL).catch((err) => {
    console.warn("service worker not registered", err);
    return null;
  });
}

/** The registration once its worker is active (a push subscription needs an active worker). */
export async function activeServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!(await registerServiceWorker())) return null;
  return navigator.serviceWorker.ready;
}

/** The registration as it is now, without waiting or registering. */
export async function currentServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!serviceWorkerAvailable()) return null;
  return (await navigator.serviceWorker.getRegistration()) ?? null;
}
