// Petit chat's service worker: shows a notification for each Web Push message and opens its chat
// on a click. The payload is the server's NotificationPayload JSON: { title, body, tag, chatId,
// signalId, ... }. Served as is from the app's root (Vite copies public/), so its scope is "/".
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : "" };
  }
  const options = {
    body: typeof data.body === "string" ? data.body : "",
    icon: "/favicon.svg",
    data: { chatId: typeof data.chatId === "string" ? data.chatId : null },
  };
  // One notification per chat: a newer message replaces the older one, and says so.
  if (typeof data.tag === "string") {
    options.tag = data.tag;
    options.renotify = true;
  }
  event.waitUntil(self.registration.showNotification(typeof data.title === "string" && data.title ? data.title : "Petit chat", options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const chatId = event.notification.data && event.notification.data.chatId;
  const hash = chatId ? `#/c/${chatId}` : "#/";
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
    if (open) {
      open.postMessage({ type: "open", hash });
      await open.focus();
    } else {
      await self.clients.openWindow(`/${hash}`);
    }
  })());
});
