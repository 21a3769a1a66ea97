/* Retours' service worker, served as /s/sw.js (scope /s/). It keeps the form of each session opened on this phone
   (and its two files) to open it again without network, and sends the answers waiting on the phone through
   Background Sync where the browser has it (survey.js does the same whenever its page is open). Nothing else: no
   staff page, no other session, no third party. */
"use strict";
var PAGES = "retours-pages-v1";
var FORM = /^\/s\/[A-Za-z0-9_-]{1,32}(\/borne)?$/;
var FILES = /^\/static\/survey\.(css|js)$/;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!(FILES.test(url.pathname) || (FORM.test(url.pathname) && request.mode === "navigate"))) return;
  // The network first (a fresh token, the latest wording), the copy kept only when there is none.
  event.respondWith(
    fetch(request)
      .then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(PAGES).then(function (cache) {
            return cache.put(request, copy);
          });
        }
        return response;
      })
      .catch(function () {
        return caches.open(PAGES).then(function (cache) {
          return cache
            .match(request)
            .then(function (hit) {
              return hit || cache.match(request, { ignoreSearch: true });
            })
            .then(function (hit) {
              return hit || Response.error();
            });
        });
      }),
  );
});

self.addEventListener("sync", function (event) {
  if (event.tag === "retours-outbox") event.waitUntil(flush());
});

function flush() {
  // survey.js's copy of the waiting answers: each sent with its token renewed (the same nonce: sent once).
  return caches.open("retours-outbox").then(function (cache) {
    return cache
      .match("/s/outbox")
      .then(function (kept) {
        return kept ? kept.json() : [];
      })
      .then(function (items) {
        var left = [];
        var chain = Promise.resolve();
        items.forEach(function (item) {
          chain = chain.then(function () {
            return send(item).then(function (gone) {
              if (!gone) left.push(item);
            });
          });
        });
        return chain.then(function () {
          cache.put("/s/outbox", new Response(JSON.stringify(left)));
          return self.clients.matchAll({ includeUncontrolled: true }).then(function (pages) {
            pages.forEach(function (page) {
              page.postMessage("retours-sent");
            });
          });
        });
      });
  });
}

function send(item) {
  var body = new URLSearchParams(item.body);
  // Without a token (a kiosk reset offline), only the open page asks for one: two new nonces would be two responses.
  if (!body.get("token") || item.held) return Promise.resolve(false);
  var ask = new URLSearchParams();
  ask.set("token", body.get("token"));
  return fetch(item.url + "/jeton", { method: "POST", body: ask, credentials: "same-origin" })
    .then(function (res) {
      if (!res.ok) return false; // closed (the page shows the answers back), or busy: left for later
      return res.json().then(function (data) {
        body.set("token", data.token);
        return fetch(item.url, { method: "POST", body: body, credentials: "same-origin" }).then(function (sent) {
          return sent.redirected && /\/merci$/.test(new URL(sent.url).pathname);
        });
      });
    })
    .catch(function () {
      throw new Error("no network"); // Background Sync tries again later
    });
}
