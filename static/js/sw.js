// The service worker (served at /sw.js, scope: the whole site). When the network drops,
// a page the person opens shows the offline page instead of the browser's error.
//
// It caches only the offline page and the static files that page needs, never a page of
// the site: a signed-in page holds a name, a balance, phone numbers, and the cache stays
// on a shared family phone after sign-out. Everything else always goes to the network.
"use strict";
const CACHE = "offline-v1";
const OFFLINE = "/offline";
const KEPT = [OFFLINE, "/static/css/site.css", "/static/css/pages.css", "/static/favicon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(KEPT))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  const url = new URL(request.url);
  if (url.origin === self.location.origin && KEPT.includes(url.pathname)) {
    // the network first (a new release), the kept copy only when offline
    event.respondWith(fetch(request).catch(() => caches.match(url.pathname)));
  }
});
