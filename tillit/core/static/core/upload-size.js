// Files too large to send are caught before the form is sent: the server
// refuses any request over its cap (REQUEST_MAX_BYTES) before reading it, so
// without this the person would lose the page for a bare refusal. The cap and
// the message come from <body data-request-max-bytes data-too-large-message>;
// the message names the size chosen and the cap. The message stands beside the
// file field, as the server's own field errors do, and the field is focused.
(function () {
  "use strict";

  function megabytes(bytes) {
    var language = document.documentElement.lang || undefined;
    var value = bytes / (1024 * 1024);
    return value.toLocaleString(language, { maximumFractionDigits: 1 }) + " MB";
  }

  function chosenBytes(form) {
    var total = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        total += file.size;
      });
    });
    return total;
  }

  function errorId(input) {
    return (input.id || input.name) + "_size_error";
  }

  function clear(form) {
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      var error = document.getElementById(errorId(input));
      if (!error) {
        return;
      }
      error.remove();
      var described = (input.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter(function (id) { return id && id !== errorId(input); });
      if (described.length) {
        input.setAttribute("aria-describedby", described.join(" "));
      } else {
        input.removeAttribute("aria-describedby");
      }
      var field = input.closest(".field");
      if (!field || !field.querySelector(".error-message")) {
        input.removeAttribute("aria-invalid");
        if (field) {
          field.classList.remove("field-error");
        }
      }
    });
  }

  function show(input, text) {
    var error = document.createElement("p");
    error.className = "error-message";
    error.id = errorId(input);
    error.textContent = text;
    input.insertAdjacentElement("afterend", error);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", described ? described + " " + error.id : error.id);
    input.setAttribute("aria-invalid", "true");
    var field = input.closest(".field");
    if (field) {
      field.classList.add("field-error");
    }
  }

  // True when the form's files fit; otherwise the message is shown.
  function fits(form) {
    var limit = Number(document.body.getAttribute("data-request-max-bytes"));
    clear(form);
    var total = chosenBytes(form);
    if (!limit || total <= limit) {
      return true;
    }
    var input = Array.prototype.find.call(form.querySelectorAll("input[type=file]"), function (candidate) {
      return candidate.files && candidate.files.length;
    });
    var text = (document.body.getAttribute("data-too-large-message") || "")
      .replace("%(size)s", megabytes(total))
      .replace("%(max)s", megabytes(limit));
    show(input, text);
    return false;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.type === "file" && input.form) {
      fits(input.form);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.querySelector("input[type=file]")) {
      return;
    }
    if (!fits(form)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      var input = form.querySelector("[aria-invalid=true][type=file]");
      if (input) {
        input.focus();
      }
    }
  }, true);
})();
