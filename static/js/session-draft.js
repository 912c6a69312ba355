// Nothing a mentor types is lost. The server keeps a draft (htmx posts the
// form as they type); this script covers the seconds between those saves and a
// lost connection: it keeps the fields in sessionStorage (this tab only, gone
// when the tab closes or the user logs out) and puts them back when the page
// returns with an older draft than the one in this tab.
(function () {
  "use strict";

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "submission_key" && el.type !== "submit";
    });
  }

  function snapshot(form) {
    var data = {};
    fieldsOf(form).forEach(function (el) {
      if (el.type === "checkbox") {
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else if (el.type === "radio") {
        if (el.checked) data[el.name] = el.value;
        else if (!(el.name in data)) data[el.name] = "";
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function restore(form, data) {
    fieldsOf(form).forEach(function (el) {
      if (!(el.name in data)) return;
      var value = data[el.name];
      if (el.type === "checkbox") el.checked = value.indexOf(el.value) !== -1;
      else if (el.type === "radio") el.checked = el.value === value;
      else el.value = value;
    });
  }

  function keep(form) {
    var key = form.getAttribute("data-draft-key");
    try {
      sessionStorage.setItem(key, JSON.stringify({ at: Date.now() / 1000, data: snapshot(form) }));
    } catch (e) { /* storage full or refused: the server draft still holds it */ }
  }

  function start() {
    document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
      sessionStorage.removeItem(el.getAttribute("data-draft-clear"));
    });
    document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
      var key = form.getAttribute("data-draft-key");
      var serverSaved = parseFloat(form.getAttribute("data-draft-saved") || "0");
      var stored = null;
      try { stored = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { stored = null; }
      if (stored && stored.at > serverSaved) {
        restore(form, stored.data);
        // Let the server catch up with what this tab had (once htmx is listening).
        window.addEventListener("load", function () {
          form.dispatchEvent(new Event("change", { bubbles: true }));
        });
      }
      form.addEventListener("input", function () { keep(form); });
      form.addEventListener("change", function () { keep(form); });
    });
    // Logging out forgets every draft held in this tab.
    document.querySelectorAll("form[action$='/logout/']").forEach(function (form) {
      form.addEventListener("submit", function () {
        try { sessionStorage.clear(); } catch (e) { /* nothing kept */ }
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
