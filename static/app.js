/* Back office, enhanced (served from 'self': the CSP allows no inline script). Every page works without it.
   - The response count of a session refreshes every 10 s while its form is open.
   - "Copier le lien" buttons appear where the browser can write to the clipboard. */
(function () {
  "use strict";
  var PERIOD = 10000;

  function liveCount(counter) {
    var url = counter.getAttribute("data-counts-url");
    var timer = null;

    function stop() {
      if (timer !== null) {
        window.clearInterval(timer);
        timer = null;
      }
    }

    function refresh() {
      if (document.hidden) {
        return; // a background tab asks nothing; the next visible tick catches up
      }
      window
        .fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          // Logged out (a redirect to the login page) or refused: stop rather than poll for nothing.
          if (!response.ok || response.redirected) {
            throw new Error("counts: " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          var text = String(data.responses);
          if (counter.textContent !== text) {
            counter.textContent = text; // the figure's aria-live region announces the change
          }
          if (!data.is_open) {
            stop();
          }
        }, function (error) {
          if (error instanceof TypeError) {
            return; // the network dropped for a moment: try again at the next tick
          }
          stop();
        });
    }

    timer = window.setInterval(refresh, PERIOD);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && timer !== null) {
        refresh();
      }
    });
  }

  function copyButton(button) {
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.insertAdjacentElement("afterend", status);
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(
        function () {
          status.textContent = "Lien copié.";
        },
        function () {
          status.textContent = "Copie impossible : sélectionnez le lien à la main.";
        }
      );
    });
  }

  var counter = document.querySelector("[data-counts-url]");
  if (counter && counter.getAttribute("data-open") === "true" && window.fetch) {
    liveCount(counter);
  }
  if (navigator.clipboard && window.isSecureContext) {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), copyButton);
  }
})();
