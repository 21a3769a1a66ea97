/* The participant's form, enhanced: answers are kept in this browser as they are typed and put back after a
   reload or a dropped tab; a second tap on "Envoyer" sends nothing more; a send that the network stopped waits on
   the phone and goes by itself when the network comes back (the `online` event, retries, the next visit, and
   Background Sync in survey-sw.js, which also keeps the page for a visit without network). In kiosk mode the form
   thanks each person and comes back empty for the next. The form works fully without it. */
(function () {
  "use strict";
  var PREFIX = "retours:answers:";
  var OUTBOX = "retours:outbox";
  // The form's token lives 36 hours: answers older than that could not be sent with the page they came from.
  var MAX_AGE = 36 * 3600 * 1000;
  var SKIP = /^(hidden|submit|button|reset|image|file|password)$/;
  var EN = document.documentElement.lang === "en";
  var TEXT = {
    sending: ["Envoi en cours…", "Sending…"],
    queued: [
      "Pas de réseau : vos réponses sont gardées sur ce téléphone et partiront dès que le réseau revient.",
      "No network: your answers are kept on this phone and will be sent as soon as the network is back.",
    ],
    retrying: ["Réseau revenu : envoi de vos réponses…", "Network back: sending your answers…"],
    gone: ["Vos réponses sont parties : elles sont bien enregistrées.", "Your answers have been sent and saved."],
    thanks: [
      "Merci ! Vos réponses sont enregistrées. Le questionnaire revient vide pour la personne suivante.",
      "Thank you! Your answers are saved. The questionnaire comes back empty for the next person.",
    ],
    kept: [
      "Merci ! Pas de réseau : vos réponses sont gardées sur cette tablette et partiront dès que le réseau revient.",
      "Thank you! No network: your answers are kept on this tablet and will be sent as soon as the network is back.",
    ],
    count: ["Mode borne · en attente : %w · envoyées : %s", "Kiosk mode · waiting: %w · sent: %s"],
    hold: [
      "Pour quitter le mode borne, gardez le doigt sur ce bouton trois secondes.",
      "To leave kiosk mode, keep your finger on this button for three seconds.",
    ],
  };
  function say(key) {
    return TEXT[key][EN ? 1 : 0];
  }
  var store = null;
  try {
    // Private modes may refuse storage or throw on access: then the form simply works without saving.
    store = window.localStorage;
    store.setItem(PREFIX + "probe", "1");
    store.removeItem(PREFIX + "probe");
  } catch (e) {
    store = null;
  }

  function read(key, fallback) {
    try {
      return JSON.parse(store.getItem(key)) || fallback;
    } catch (e) {
      return fallback;
    }
  }

  function write(key, value) {
    try {
      store.setItem(key, JSON.stringify(value));
    } catch (e) {
      // Storage full: nothing to do, the server still keeps every answer when it re-shows the form.
    }
  }

  function load(code) {
    var saved = read(PREFIX + code, null);
    return saved && saved.a && Date.now() - saved.t < MAX_AGE ? saved.a : null;
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
    // What the server (or the browser) already filled in wins: only empty fields and unanswered groups are filled.
    var current = collect(form);
    controls(form, function (el, checkable) {
      var values = saved[el.name];
      if (!values || !values.length || current[el.name].length) return;
      if (checkable) el.checked = values.indexOf(el.value) >= 0;
      else el.value = values[0];
    });
  }

  var sent = document.querySelector("[data-answers-sent]");
  if (sent && store) store.removeItem(PREFIX + sent.getAttribute("data-answers-sent"));

  var form = document.querySelector("form.survey");
  if (!form) return;
  var code = form.getAttribute("data-autosave");
  var kiosk = form.hasAttribute("data-kiosk");
  // The public form's token endpoint (/s/<code>/jeton): send-later is for it only, and needs fetch.
  var renewUrl = window.fetch && window.URLSearchParams && form.getAttribute("data-offline");

  if (store && code) {
    var saved = load(code);
    if (saved) restore(form, saved);
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

  function ready(text) {
    sending = false;
    if (button) button.disabled = false;
    status.textContent = text || "";
  }

  form.addEventListener("submit", function (event) {
    if (sending) {
      event.preventDefault();
      return;
    }
    sending = true;
    if (button) button.disabled = true;
    status.textContent = say("sending");
    if (!renewUrl) return; // the browser sends it itself, as without JavaScript
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    var item = { id: Date.now() + "-" + Math.random(), url: form.action, body: body.toString(), kiosk: kiosk };
    // A form whose kiosk reset had no network has no token yet: it gets one first (resend), like a waiting one.
    (body.get("token") ? post(item) : resend(item)).then(
      function (result) {
        finish(item, result, true);
      },
      function () {
        queue(item);
      },
    );
  });

  // Back to the page from the back-forward cache: the earlier send is over, the button must work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    if (kiosk) empty();
    ready();
  });

  if (!renewUrl) return;

  // -- send later ------------------------------------------------------------------------------------------------
  // Waiting answers: {id, url, body (the form as sent, token included), kiosk}. The token's nonce is the response's
  // dedup key and is kept through every resend (the endpoint renews its date only): one response per filled form.
  var formCode = renewUrl.split("/")[2];
  var COUNT = "retours:kiosk-sent:" + formCode;
  var bar = document.querySelector(".kiosk-bar");
  var memory = [];
  var caches = window.caches;

  function outbox() {
    return store ? read(OUTBOX, []) : memory;
  }

  function keepOutbox(items) {
    if (store) write(OUTBOX, items);
    else memory = items;
    // A copy for the service worker, which has no localStorage: it sends them through Background Sync.
    if (caches) {
      caches
        .open("retours-outbox")
        .then(function (cache) {
          return cache.put("/s/outbox", new Response(JSON.stringify(items)));
        })
        .catch(function () {});
    }
  }

  function mine(item) {
    return item.url === form.action;
  }

  function put(item) {
    var items = outbox().filter(function (other) {
      // On a phone, the form sent again replaces its waiting copy (the same nonce); a kiosk queues each person.
      return other.id !== item.id && !(!item.kiosk && !other.kiosk && other.url === item.url);
    });
    items.push(item);
    keepOutbox(items);
  }

  function drop(item) {
    keepOutbox(
      outbox().filter(function (other) {
        return other.id !== item.id;
      }),
    );
  }

  function post(item) {
    return fetch(item.url, { method: "POST", body: new URLSearchParams(item.body), credentials: "same-origin" }).then(
      function (res) {
        // The thank-you page: stored now, or stored before (a resend of the same nonce): either way it has gone.
        if (res.redirected && /\/merci$/.test(new URL(res.url).pathname)) return "sent";
        if (res.status === 410 || res.status === 409) return "closed";
        // Too many sends from this address, or the server down for a moment: a waiting one tries again later.
        return res.status === 429 || res.status >= 500 ? "busy" : "refused";
      },
    );
  }

  function resend(item) {
    var body = new URLSearchParams(item.body);
    var ask = new URLSearchParams();
    ask.set("token", body.get("token") || "");
    return fetch(renewUrl, { method: "POST", body: ask, credentials: "same-origin" }).then(function (res) {
      if (res.status === 410) return "closed";
      if (!res.ok) throw new Error("not now");
      return res.json().then(function (data) {
        body.set("token", data.token);
        item.body = body.toString();
        var queued = outbox().some(function (other) {
          return other.id === item.id;
        });
        if (queued) put(item); // a new nonce is kept before it is used
        return new Promise(function (done) {
          setTimeout(done, (data.wait || 0) * 1000);
        }).then(function () {
          return post(item);
        });
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

  function finish(item, result, live) {
    if (!live && result === "busy") throw new Error("not now");
    if (!live && kiosk && result === "refused") {
      // Another person's answers, refused (the server changed?): never shown to whoever uses the tablet now.
      item.held = true;
      return put(item);
    }
    drop(item);
    if (result !== "sent") {
      // Closed meanwhile, or refused (a missing answer...): the browser sends it as without JavaScript, and the
      // server's page shows every answer back with the reason.
      fill(new URLSearchParams(item.body));
      sending = true;
      HTMLFormElement.prototype.submit.call(form);
    } else if (kiosk) {
      write(COUNT, read(COUNT, 0) + 1);
      if (live) thank(say("thanks"));
      count();
    } else {
      status.textContent = say("gone");
      if (store && code) store.removeItem(PREFIX + code);
      location.href = item.url + "/merci";
    }
  }

  function queue(item) {
    put(item);
    if (kiosk) thank(say("kept"));
    else ready(say("queued"));
    later();
    if (navigator.serviceWorker) {
      navigator.serviceWorker.ready
        .then(function (reg) {
          return reg.sync && reg.sync.register("retours-outbox");
        })
        .catch(function () {});
    }
  }

  var timer = null;
  var delay = 2000;
  var flushing = false;

  function later() {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
    delay = Math.min(delay * 2, 60000);
    count();
  }

  function flush() {
    var items = outbox().filter(function (item) {
      return mine(item) && !item.held;
    });
    if (flushing || !items.length) return count();
    flushing = true;
    clearTimeout(timer);
    if (!kiosk) ready(say("retrying"));
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        return resend(item).then(function (result) {
          finish(item, result, false);
        });
      });
    });
    chain.then(
      function () {
        flushing = false;
        delay = 2000;
        count();
      },
      function () {
        flushing = false;
        if (!kiosk) ready(say("queued"));
        later();
      },
    );
  }

  var waiting = outbox().filter(mine);
  if (!kiosk && waiting.length) {
    // The answers waiting on this phone are this form's: shown again (a reload, or the page opened from the cache).
    fill(new URLSearchParams(waiting[waiting.length - 1].body));
    ready(say("queued"));
  }
  window.addEventListener("online", flush);
  flush();

  if (navigator.serviceWorker && location.pathname.indexOf("/s/") === 0) {
    navigator.serviceWorker
      .register("/s/sw.js", { scope: "/s/" })
      .then(function () {
        // This visit was not fetched through the worker yet: keep the page and its files for one without network.
        return caches.open("retours-pages-v1").then(function (cache) {
          var style = document.querySelector("link[rel=stylesheet]");
          var script = document.querySelector("script[src]");
          return Promise.all(
            [location.href, style && style.href, script && script.src].map(function (url) {
              return (
                url &&
                cache.match(url).then(function (hit) {
                  return hit || cache.add(url);
                })
              );
            }),
          );
        });
      })
      .catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      // The worker sent some (Background Sync): the next look at the outbox resends them, told "already received".
      if (event.data === "retours-sent") flush();
    });
  }

  // -- kiosk mode ------------------------------------------------------------------------------------------------
  function count() {
    if (!bar) return;
    bar.hidden = false;
    var waitingNow = outbox().filter(mine).length;
    bar.firstChild.textContent = say("count")
      .replace("%w", waitingNow)
      .replace("%s", read(COUNT, 0));
  }

  function empty() {
    // Defaults too: a form the server showed again after a refusal has this person's answers as its defaults.
    controls(form, function (el, checkable) {
      if (checkable) el.checked = el.defaultChecked = false;
      else el.value = el.defaultValue = "";
    });
    var marks = document.querySelectorAll(".notice, .error-summary, .error");
    for (var i = 0; i < marks.length; i++) marks[i].parentNode.removeChild(marks[i]);
  }

  function thank(text) {
    // The next person must never see what this one typed: emptied at once, shown again empty a few seconds later.
    empty();
    form.hidden = true;
    var note = document.createElement("p");
    note.className = "kiosk-thanks";
    note.setAttribute("role", "status");
    note.textContent = text;
    form.parentNode.insertBefore(note, form);
    count();
    window.scrollTo(0, 0);
    var ask = new URLSearchParams();
    ask.set("token", "");
    var fresh = fetch(renewUrl, { method: "POST", body: ask, credentials: "same-origin" })
      .then(function (res) {
        return res.ok ? res.json() : {};
      })
      .catch(function () {
        return {};
      });
    setTimeout(function () {
      fresh.then(function (data) {
        empty();
        form.elements.token.value = data.token || ""; // none without network: the send asks for one
        note.parentNode.removeChild(note);
        form.hidden = false;
        history.replaceState(null, "", location.href);
        ready();
      });
    }, 4000);
  }

  if (kiosk) {
    history.replaceState(null, "", location.href);
    count();
    var exit = bar.querySelector("button");
    var hold = null;
    var start = function (event) {
      event.preventDefault();
      hold = setTimeout(function () {
        // Deliberate: three seconds held down. The ordinary form replaces the kiosk in the history.
        location.replace(form.action);
      }, 3000);
    };
    var stop = function () {
      clearTimeout(hold);
    };
    exit.addEventListener("pointerdown", start);
    exit.addEventListener("pointerup", stop);
    exit.addEventListener("pointerleave", stop);
    exit.addEventListener("click", function () {
      status.textContent = say("hold");
    });
  }
})();
