/* The form, enhanced (it works without this): answers kept as typed and put back after a reload; a second tap sends
   nothing more; a send the network stopped waits on the phone and goes when the network is back (`online`, retries,
   the next visit, Background Sync in survey-sw.js); kiosk mode resets the form for the next person. */
(function () {
"use strict";
var PREFIX = "retours:answers:";
var OUTBOX = "retours:outbox";
// The form's token lives 36 hours: older answers could not be sent with the page they came from.
var MAX_AGE = 36 * 3600 * 1000;
var SKIP = /^(hidden|submit|button|reset|image|file|password)$/;
var SENDING = ["Envoi en cours…", "Sending…"][document.documentElement.lang === "en" ? 1 : 0];
var store = null;
try {
  // Private modes may refuse storage or throw on access: the form then works without saving.
  store = window.localStorage;
  store.setItem(PREFIX + "probe", "1");
  store.removeItem(PREFIX + "probe");
} catch (e) {
  store = null;
}

function read(key, empty) {
  try {
    return JSON.parse(store.getItem(key)) || empty;
  } catch (e) {
    return empty;
  }
}

function write(key, value) {
  try {
    store.setItem(key, JSON.stringify(value));
  } catch (e) {} // storage full: the server still shows every answer back after a refusal
}

function controls(form, each) {
  for (var i = 0; i < form.elements.length; i++) {
    var el = form.elements[i];
    if (el.name && !SKIP.test(el.type)) each(el, el.type === "radio" || el.type === "checkbox");
  }
}

function collect(form) {
  var answers = {};
  controls(form, function (el, checkable) {
    var values = answers[el.name] || (answers[el.name] = []);
    if (checkable ? el.checked : el.value) values.push(el.value);
  });
  return answers;
}

function restore(form, saved) {
  // What the server (or the browser) filled in wins: only empty fields and unanswered groups are filled.
  var current = collect(form);
  controls(form, function (el, checkable) {
    var values = saved[el.name];
    if (!values || !values.length || current[el.name].length) return;
    if (checkable) el.checked = values.indexOf(el.value) >= 0;
    else el.value = values[0];
  });
}

var page = "<!doctype html>" + document.documentElement.outerHTML; // before any answer is put back
var sent = document.querySelector("[data-answers-sent]");
if (sent && store) store.removeItem(PREFIX + sent.getAttribute("data-answers-sent"));

var form = document.querySelector("form.survey");
if (!form) return;
var code = form.getAttribute("data-autosave"); // none in kiosk mode
var kiosk = form.hasAttribute("data-kiosk");
// Its token endpoint (/s/<code>/jeton): send-later is for the public form only, and needs fetch.
var renewUrl = window.fetch && window.URLSearchParams && form.getAttribute("data-offline");

if (store && code) {
  var saved = read(PREFIX + code, null);
  if (saved && saved.a && Date.now() - saved.t < MAX_AGE) restore(form, saved.a);
  var keep = function () {
    write(PREFIX + code, { t: Date.now(), a: collect(form) });
  };
  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
}

var button = form.querySelector("[type=submit]");
var status = document.createElement("p");
status.className = "sending";
status.setAttribute("role", "status");
status.setAttribute("aria-live", "polite");
form.appendChild(status);
var sending = false;

function say(key) {
  // The form carries its texts (translated by the server): data-queued, data-gone... ("" for none).
  return form.getAttribute("data-" + key) || "";
}

function ready(key) {
  sending = false;
  if (button) button.disabled = false;
  status.textContent = say(key);
}

form.addEventListener("submit", function (event) {
  if (sending) {
    event.preventDefault();
    return;
  }
  sending = true;
  if (button) button.disabled = true;
  status.textContent = SENDING;
  if (!renewUrl) return; // the browser sends it, as without JavaScript
  event.preventDefault();
  var body = new URLSearchParams(new FormData(form));
  var item = { id: Date.now() + "-" + Math.random(), url: form.action, body: body.toString(), kiosk: kiosk };
  // A kiosk reset offline left no token: one is asked for first, as for a waiting send.
  (body.get("token") ? post(item) : resend(item)).then(finish.bind(null, item, true), queue.bind(null, item));
});

// Back from the back-forward cache: the earlier send is over, the button must work again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  if (kiosk) empty();
  ready();
});

if (!renewUrl) return;

// -- send later: {id, url, body (as sent, token included), kiosk}. The token's nonce is the response's dedup key,
// kept through every resend (renewed, only its date changes): one response per filled form.
var COUNT = "retours:kiosk-sent:" + renewUrl.split("/")[2];
var bar = document.querySelector(".kiosk-bar");
var memory = [];
var caches = window.caches;
var timer = null;
var delay = 2000;
var flushing = false;

function outbox() {
  return store ? read(OUTBOX, []) : memory;
}

function keepOutbox(items) {
  if (store) write(OUTBOX, items);
  else memory = items;
  // A copy for the service worker (no localStorage there), for Background Sync.
  if (caches) caches.open("retours-outbox").then(function (c) {
    return c.put("/s/outbox", new Response(JSON.stringify(items)));
  }).catch(Boolean);
}

function others(item) {
  return outbox().filter(function (other) {
    // On a phone, the form sent again replaces its waiting copy (same nonce); a kiosk queues each person.
    return other.id !== item.id && (item.kiosk || other.kiosk || other.url !== item.url);
  });
}

function put(item) {
  keepOutbox(others(item).concat([item]));
}

function waiting() {
  return outbox().filter(function (item) {
    return item.url === form.action && !item.held;
  });
}

function send(url, body) {
  // A connection that hangs (one bar of signal, a crowded Wi-Fi) counts as none after 12 s rather than the
  // browser's minutes: the answers wait on the phone. Had the send reached the server, its resend is "already
  // received" (same nonce): one response.
  var stop = window.AbortController && new AbortController();
  return new Promise(function (answer, fail) {
    var timer = setTimeout(function () {
      if (stop) stop.abort();
      fail(new Error("no answer"));
    }, 12000);
    var done = clearTimeout.bind(window, timer);
    fetch(url, { method: "POST", body: body, credentials: "same-origin", signal: stop && stop.signal })
      .then(answer, fail).then(done);
  });
}

function ask(token) {
  var body = new URLSearchParams();
  body.set("token", token || "");
  return send(renewUrl, body);
}

function post(item) {
  return send(item.url, new URLSearchParams(item.body)).then(function (res) {
    // The thank-you page: stored now, or before (same nonce): either way it has gone.
    if (res.redirected && /\/merci$/.test(new URL(res.url).pathname)) return "sent";
    if (res.status === 410 || res.status === 409) return "closed";
    return res.status === 429 || res.status >= 500 ? "busy" : "refused"; // busy: a waiting send retries
  });
}

function resend(item) {
  var body = new URLSearchParams(item.body);
  return ask(body.get("token")).then(function (res) {
    if (res.status === 410) return "closed";
    if (!res.ok) throw new Error("later");
    return res.json().then(function (data) {
      body.set("token", data.token);
      item.body = body.toString();
      if (others(item).length < outbox().length) put(item); // a new nonce is kept before it is used
      return new Promise(function (wait) {
        setTimeout(wait, data.wait * 1000);
      }).then(post.bind(null, item));
    });
  });
}

function fill(body) {
  controls(form, function (el, checkable) {
    var values = body.getAll(el.name);
    if (checkable) el.checked = values.indexOf(el.value) >= 0;
    else el.value = values[0] || "";
  });
  form.elements.token.value = body.get("token") || "";
}

function finish(item, live, result) {
  if (!live && result === "busy") throw new Error("later");
  if (!live && kiosk && result === "refused") {
    // Someone else's answers: never shown to whoever holds the tablet now; kept, counted as waiting.
    item.held = true;
    return put(item);
  }
  keepOutbox(others(item));
  if (result !== "sent") {
    // Closed meanwhile, or refused: sent as without JavaScript, the server's page shows every answer back.
    fill(new URLSearchParams(item.body));
    sending = true;
    HTMLFormElement.prototype.submit.call(form);
  } else if (kiosk) {
    write(COUNT, read(COUNT, 0) + 1);
    if (live) thank("thanks");
    count();
  } else {
    status.textContent = say("gone");
    location.href = item.url + "/merci";
  }
}

function queue(item) {
  put(item);
  if (kiosk) thank("kept");
  else ready("queued");
  later();
  if (navigator.serviceWorker) navigator.serviceWorker.ready.then(function (reg) {
    return reg.sync && reg.sync.register("retours-outbox");
  }).catch(Boolean);
}

function later() {
  clearTimeout(timer);
  timer = setTimeout(flush, delay);
  delay = Math.min(delay * 2, 60000);
  count();
}

function flush() {
  var items = waiting();
  if (flushing || !items.length) return count();
  flushing = true;
  clearTimeout(timer);
  if (!kiosk) ready("retrying");
  var chain = Promise.resolve();
  items.forEach(function (item) {
    chain = chain.then(function () {
      return resend(item).then(finish.bind(null, item, false));
    });
  });
  chain.then(function () {
    flushing = false;
    delay = 2000;
    count();
  }, function () {
    flushing = false;
    if (!kiosk) ready("queued");
    later();
  });
}

var mine = waiting();
if (!kiosk && mine.length) {
  // This form's answers wait on the phone: shown again (a reload, or the page opened from the cache).
  fill(new URLSearchParams(mine[mine.length - 1].body));
  ready("queued");
}
window.addEventListener("online", flush);
flush();

if (navigator.serviceWorker && location.pathname.indexOf("/s/") === 0) {
  navigator.serviceWorker.register("/s/sw.js", { scope: "/s/" }).then(function () {
    // This visit did not go through the worker: keep the page as it came (asking for it again would count one
    // more blank form against the room's limit), for a visit offline. The worker keeps the script as it installs.
    return caches.open("retours-pages-v1").then(function (cache) {
      return cache.put(location.href, new Response(page, { headers: { "Content-Type": "text/html; charset=utf-8" } }));
    });
  }).catch(Boolean);
  // The worker sent some (Background Sync): resent now, they are told "already received" and shown as gone.
  navigator.serviceWorker.addEventListener("message", flush);
}

// -- kiosk mode ------------------------------------------------------------------------------------------------
function count() {
  if (!bar) return;
  bar.hidden = false;
  bar.firstChild.textContent = say("count").replace("%w", waiting().length).replace("%s", read(COUNT, 0));
}

function empty() {
  // Defaults too: a form shown again after a refusal has that person's answers as defaults.
  controls(form, function (el, checkable) {
    if (checkable) el.checked = el.defaultChecked = false;
    else el.value = el.defaultValue = "";
  });
  var marks = document.querySelectorAll(".notice, .error-summary, .error");
  for (var i = 0; i < marks.length; i++) marks[i].parentNode.removeChild(marks[i]);
}

function thank(key) {
  // The next person never sees what this one typed: emptied now, shown again a few seconds later.
  empty();
  form.hidden = true;
  var note = document.createElement("p");
  note.className = "kiosk-thanks";
  note.setAttribute("role", "status");
  note.textContent = say(key);
  form.parentNode.insertBefore(note, form);
  window.scrollTo(0, 0);
  var fresh = ask("").then(function (res) {
    return res.json();
  }).catch(Object);
  setTimeout(function () {
    fresh.then(function (data) {
      empty();
      form.elements.token.value = data.token || ""; // none without network: the send asks for one
      form.parentNode.removeChild(note);
      form.hidden = false;
      ready();
    });
  }, 4000);
}

if (kiosk) {
  count();
  var exit = bar.querySelector("button");
  var hold = null;
  exit.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    // Deliberate: held down three seconds. The ordinary form then replaces the kiosk in the history.
    hold = setTimeout(location.replace.bind(location, form.action), 3000);
  });
  ["pointerup", "pointerleave"].forEach(function (type) {
    exit.addEventListener(type, function () {
      clearTimeout(hold);
    });
  });
  exit.addEventListener("click", function () {
    status.textContent = say("hold");
  });
}
})();
