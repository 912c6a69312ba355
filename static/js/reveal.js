// Follow-up fields: a field wrapped in [data-shown-when] is shown only while the control it names has one of
// the values in [data-shown-values]. Without script every field shows (the server ignores what does not
// apply). A hidden field's inputs are disabled, so they are not sent, and keep what was typed if shown again.
(function () {
  function controlValues(form, name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      if (input.type === "checkbox" && input.value === "on") values.push("on");
      else values.push(input.value);
    });
    return values;
  }

  function update(form) {
    form.querySelectorAll("[data-shown-when]").forEach(function (wrapper) {
      var wanted = wrapper.getAttribute("data-shown-values").split(" ");
      var current = controlValues(form, wrapper.getAttribute("data-shown-when"));
      var shown = current.some(function (value) { return wanted.indexOf(value) !== -1; });
      wrapper.hidden = !shown;
      wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-shown-when]")) return;
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  });
})();
