// Kiosk: print the number just taken (the page shows it too).
(function () {
  "use strict";
  var button = document.getElementById("print-ticket");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
