// Target form: show the base year only for a reduction and the legal parameter only for a
// legal minimum, and the value for every other kind. Without script every field shows.
(function () {
  var kind = document.querySelector("[data-target-kind]");
  if (!kind) return;
  function show() {
    document.querySelectorAll("[data-for-kind]").forEach(function (el) {
      var kinds = el.getAttribute("data-for-kind").split(" ");
      el.hidden = kinds.indexOf(kind.value) < 0;
    });
  }
  kind.addEventListener("change", show);
  show();
})();
