/* The participant's form, enhanced: answers are kept in this browser as they are typed and put back after a
   reload or a dropped tab; a second tap on "Envoyer" sends nothing more. The form works fully without it. */
(function () {
  "use strict";
  var PREFIX = "retours:answers:";
  // The form's token lives 36 hours: answers older than that could not be sent with the page they came from.
  var MAX_AGE = 36 * 3600 * 1000;
  var SKIP = /^(hidden|submit|button|reset|image|file|password)$/;
  var store = null;
  try {
    // Private modes may refuse storage or throw on access: then the form simply works without saving.
    store = window.localStorage;
    store.setItem(PREFIX + "probe", "1");
    store.removeItem(PREFIX + "probe");
  } catch (e) {
    store = null;
  }

  function load(code) {
    try {
      var saved = JSON.parse(store.getItem(PREFIX + code));
      return saved && saved.a && Date.now() - saved.t < MAX_AGE ? saved.a : null;
    } catch (e) {
      return null;
    }
  }

  function save(code, answers) {
    try {
      store.setItem(PREFIX + code, JSON.stringify({ t: Date.now(), a: answers }));
    } catch (e) {
      // Storage full: nothing to do, the server still keeps every answer when it re-shows the form.
    }
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

  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var code = form.getAttribute("data-autosave");

  if (store) {
    var saved = load(code);
    if (saved) restore(form, saved);
    var keep = function () {
      save(code, collect(form));
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

  form.addEventListener("submit", function (event) {
    if (sending) {
      event.preventDefault();
      return;
    }
    sending = true;
    if (button) button.disabled = true;
    status.textContent = document.documentElement.lang === "en" ? "Sending…" : "Envoi en cours…";
  });

  // Back to the page from the back-forward cache: the earlier send is over, the button must work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    sending = false;
    if (button) button.disabled = false;
    status.textContent = "";
  });
})();
