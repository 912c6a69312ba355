// A form sent back with errors: move the focus to its summary, so a screen reader reads what to fix
// and the keyboard starts from there (the summary's links lead to each field).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".ds-error-summary");
  if (summary) {
    summary.focus();
  }
});
