// On a narrow screen the header's menu folds behind a button (WCAG 1.4.10: the page reflows at 320 px).
// Without script, or on a wide screen, the menu shows as it is.
(function () {
  var narrow = window.matchMedia("(max-width: 40rem)");

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".app-menu-button");
    var menu = document.getElementById("app-menu");
    if (!button || !menu) return;

    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("app-menu--closed", !open);
    }

    button.hidden = false;
    set(!narrow.matches);
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    narrow.addEventListener("change", function (event) { set(!event.matches); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  });
})();
