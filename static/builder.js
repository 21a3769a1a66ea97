/* Questionnaire builder, enhanced (served from 'self': the CSP allows no inline script).
   A draft's questions can be reordered by drag and drop; the "Monter" / "Descendre" buttons do the same without
   JavaScript and from the keyboard. The order dropped is sent with a plain form (#reorder-form): the page reloads
   from the server, so its edit_version, buttons and numbers are always the saved ones. */
(function () {
  "use strict";
  var list = document.querySelector("ol.builder-questions[data-reorder-form]");
  var form = list && document.getElementById(list.getAttribute("data-reorder-form"));
  if (!form || !("draggable" in list)) {
    return;
  }
  var ITEM = "li[data-question-id]";
  var items = Array.prototype.slice.call(list.querySelectorAll(ITEM));
  var dragged = null;
  var sent = false;

  function order() {
    return Array.prototype.map.call(list.querySelectorAll(ITEM), function (item) {
      return item.getAttribute("data-question-id");
    });
  }

  var initial = order().join(",");

  function putBack() {
    items.forEach(function (item) {
      list.appendChild(item); // the order as saved
    });
  }

  items.forEach(function (item) {
    item.setAttribute("draggable", "true");
    item.addEventListener("dragstart", function (event) {
      if (sent) {
        event.preventDefault();
        return;
      }
      dragged = item;
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.getAttribute("data-question-id"));
    });
    item.addEventListener("dragend", function () {
      item.classList.remove("dragging");
      if (!sent) {
        putBack(); // dropped outside the list, or Escape: nothing changes
      }
      dragged = null;
    });
  });

  list.addEventListener("dragover", function (event) {
    if (!dragged) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    var target = event.target instanceof Element ? event.target.closest(ITEM) : null;
    if (!target || target === dragged || target.parentNode !== list) {
      return;
    }
    var box = target.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? target.nextSibling : target);
  });

  list.addEventListener("drop", function (event) {
    if (!dragged) {
      return;
    }
    event.preventDefault();
    var now = order().join(",");
    if (now === initial) {
      return;
    }
    sent = true;
    list.classList.add("saving");
    list.setAttribute("aria-busy", "true");
    form.elements.order.value = now;
    form.elements.moved.value = dragged.getAttribute("data-question-id");
    form.submit();
  });

  list.classList.add("sortable");
  var hint = document.getElementById("reorder-hint");
  if (hint) {
    hint.hidden = false;
  }
})();
