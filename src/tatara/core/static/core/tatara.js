/* Behaviour the pages share, without inline scripts (the Content-Security-Policy allows
   scripts from this server only):
   - select[data-autosubmit]: sends its form when the choice changes (the language menu);
   - input[data-select-all="SELECTOR"]: ticks or unticks every checkbox SELECTOR names;
   - [data-reveal="ID"] / [data-conceal="ID"]: shows or hides the element ID (a confirmation
     panel), moving the focus into it and back. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
    if (target.matches("input[data-select-all]")) {
      document.querySelectorAll(target.getAttribute("data-select-all")).forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });
  document.addEventListener("click", function (event) {
    var reveal = event.target.closest("[data-reveal]");
    var conceal = event.target.closest("[data-conceal]");
    if (reveal) {
      var panel = document.getElementById(reveal.getAttribute("data-reveal"));
      if (!panel) { return; }
      panel.hidden = false;
      reveal.hidden = true;
      reveal.setAttribute("aria-expanded", "true");
      var first = panel.querySelector("button[type=submit]");
      if (first) { first.focus(); }
    } else if (conceal) {
      var hide = document.getElementById(conceal.getAttribute("data-conceal"));
      var opener = document.querySelector('[data-reveal="' + conceal.getAttribute("data-conceal") + '"]');
      if (hide) { hide.hidden = true; }
      if (opener) {
        opener.hidden = false;
        opener.setAttribute("aria-expanded", "false");
        opener.focus();
      }
    }
  });
})();
