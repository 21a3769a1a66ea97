/* /s/sw.js: each form opened here and its script, for offline; waiting answers sent by Background Sync. */
"use strict";
var PAGES = "retours-pages-v1";
var CSP = "__CSP__"; // feedback/web.py's, put in when served
var KEPT = /^\/(s\/[\w-]{1,32}(\/borne)?|static\/survey\.js)$/;

self.addEventListener("install", function (event) {
  // Without its script, a page opened offline would post into no network.
  event.waitUntil(caches.open(PAGES).then(function (cache) {
    return cache.add("/static/survey.js");
  }).then(function () {
    return self.skipWaiting();
  }));
});
self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin || !KEPT.test(url.pathname)) return;
  // The network first (a fresh token, the latest wording); the copy without network, or after 10 s without an
  // answer (a connection that hangs: its answer, if it comes, is kept for next time).
  event.respondWith(
    caches.open(PAGES).then(function (cache) {
      function kept() {
        // ignoreVary: "Vary: Cookie", and the next visit may carry a cookie the first one set
        return cache.match(request, { ignoreVary: true }).then(function (hit) {
          return hit || cache.match(request, { ignoreSearch: true, ignoreVary: true });
        }).then(function (hit) {
          if (!hit) return null;
          var headers = new Headers(hit.headers); // a page kept by survey.js has no header: the policy is added
          headers.set("Content-Security-Policy", CSP);
          return new Response(hit.body, { headers: headers });
        });
      }
      return new Promise(function (answer) {
        var hung = setTimeout(function () {
          kept().then(function (copy) {
            if (copy) answer(copy);
          });
        }, 10000);
        fetch(request).then(function (response) {
          clearTimeout(hung);
          if (response.ok) cache.put(request, response.clone());
          answer(response);
        }, function () {
          clearTimeout(hung);
          kept().then(function (copy) {
            answer(copy || Response.error());
          });
        });
      });
    }),
  );
});

self.addEventListener("sync", function (event) {
  if (event.tag === "retours-outbox") event.waitUntil(flush());
});

function flush() {
  // survey.js's copy of the waiting sends, each with its token renewed (the same nonce: stored once).
  return caches.open("retours-outbox").then(function (cache) {
    return cache.match("/s/outbox").then(function (kept) {
      return kept ? kept.json() : [];
    }).then(function (items) {
      var left = [];
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          return send(item).then(function (gone) {
            if (!gone) left.push(item);
          });
        });
      }, Promise.resolve()).then(function () {
        cache.put("/s/outbox", new Response(JSON.stringify(left)));
        return clients.matchAll({ includeUncontrolled: true }).then(function (pages) {
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
  var ask = new URLSearchParams();
  ask.set("token", body.get("token"));
  // Without a token (a kiosk reset offline) only the page asks for one: two new nonces would be two responses.
  if (!body.get("token") || item.held) return Promise.resolve(false);
  return fetch(item.url + "/jeton", { method: "POST", body: ask }).then(function (res) {
    if (!res.ok) return false; // closed (the page shows the answers back) or busy: left to the page
    return res.json().then(function (data) {
      body.set("token", data.token);
      return fetch(item.url, { method: "POST", body: body }).then(function (res) {
        return res.redirected && /\/merci$/.test(new URL(res.url).pathname);
      });
    });
  }); // no network: rejected, Background Sync tries again later
}
