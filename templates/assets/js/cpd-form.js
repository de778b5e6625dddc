/* The CPD reflection form: keeps what is typed in this browser only.
 *
 * Answers are saved in localStorage under the form's data-storage-key, on
 * this device only: nothing is sent anywhere (the page's Content-Security-
 * Policy forbids it as well). Without JavaScript the form still works; it
 * just forgets the answers when the page is left.
 */
(function () {
  "use strict";

  var form = document.getElementById("cpd-form");
  if (!form || !form.dataset.storageKey) {
    return;
  }
  var key = form.dataset.storageKey;
  var savedNote = document.getElementById("cpd-saved");
  var actions = document.getElementById("cpd-actions");
  var status = document.getElementById("cpd-status");
  var printButton = document.getElementById("cpd-print");
  var clearButton = document.getElementById("cpd-clear");

  function storage() {
    try {
      var probe = key + ":probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // storage turned off, or full
    }
  }

  var store = storage();

  function fields() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && (element.tagName === "TEXTAREA" || element.tagName === "INPUT");
    });
  }

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function collect() {
    var values = {};
    var any = false;
    fields().forEach(function (element) {
      if (element.type === "checkbox") {
        if (element.checked) {
          values[element.name] = true;
          any = true;
        }
      } else if (element.value !== "") {
        values[element.name] = element.value;
        any = true;
      }
    });
    return any ? values : null;
  }

  function save() {
    if (!store) {
      return;
    }
    var values = collect();
    try {
      if (values) {
        store.setItem(key, JSON.stringify({ version: 1, fields: values }));
      } else {
        store.removeItem(key);
      }
    } catch (error) {
      say("Your answers could not be saved in this browser. Print the page or save it as a PDF before you leave it.");
    }
  }

  function restore() {
    if (!store) {
      return false;
    }
    var saved;
    try {
      saved = JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      saved = null;
    }
    if (!saved || typeof saved.fields !== "object" || saved.fields === null) {
      return false;
    }
    var restored = false;
    fields().forEach(function (element) {
      if (!Object.prototype.hasOwnProperty.call(saved.fields, element.name)) {
        return;
      }
      var value = saved.fields[element.name];
      if (element.type === "checkbox") {
        element.checked = value === true;
      } else if (typeof value === "string") {
        element.value = value;
      }
      restored = true;
    });
    return restored;
  }

  // Printing: let answer boxes grow to show every line, where CSS cannot.
  var growsByItself = window.CSS && CSS.supports && CSS.supports("field-sizing", "content");
  function fitTextareas() {
    if (growsByItself) {
      return;
    }
    form.querySelectorAll("textarea").forEach(function (area) {
      area.style.height = "";
      if (area.scrollHeight > area.clientHeight) {
        area.style.height = area.scrollHeight + 4 + "px";
      }
    });
  }
  function unfitTextareas() {
    if (growsByItself) {
      return;
    }
    form.querySelectorAll("textarea").forEach(function (area) {
      area.style.height = "";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault(); // nothing to send: the answers stay on this device
  });
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  window.addEventListener("beforeprint", fitTextareas);
  window.addEventListener("afterprint", unfitTextareas);

  if (store) {
    if (savedNote) {
      savedNote.hidden = false;
    }
    var restoredNote = document.getElementById("cpd-restored");
    if (restore() && restoredNote) {
      restoredNote.hidden = false;
    }
  } else {
    say("This browser is not letting the page save your answers. Print the page or save it as a PDF before you leave it.");
  }

  if (actions) {
    actions.hidden = false;
  }
  if (printButton) {
    printButton.addEventListener("click", function () {
      window.print();
    });
  }
  if (clearButton) {
    clearButton.addEventListener("click", function () {
      if (!window.confirm("Clear all your answers? They will be removed from this page and from this browser.")) {
        return;
      }
      form.reset();
      fields().forEach(function (element) {
        if (element.type === "checkbox") {
          element.checked = false;
        } else {
          element.value = "";
        }
      });
      if (store) {
        try {
          store.removeItem(key);
        } catch (error) {
          // nothing saved, nothing to remove
        }
      }
      var restoredNote = document.getElementById("cpd-restored");
      if (restoredNote) {
        restoredNote.hidden = true;
      }
      say("Your answers have been cleared.");
    });
  }
})();
