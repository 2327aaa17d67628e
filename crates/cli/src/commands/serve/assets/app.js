// newsdex web app: progressive enhancement only. Search, paging, filters and reading all work
// without this file; it adds keyboard shortcuts.
(function () {
  "use strict";
  var box = document.querySelector("input[name=q]");
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
    if (event.key === "/" && !typing && box && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // "/" focuses the search box, with the query selected for replacing.
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "Escape" && target === box) {
      box.blur();
    }
  });
  document.documentElement.classList.add("js");
})();
