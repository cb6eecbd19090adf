// Poll the selfie's status until the worker has decided, then show the result.
(function () {
  "use strict";
  var root = document.getElementById("result");
  if (!root || !root.dataset.poll) return;
  var tries = 0;
  function poll() {
    tries += 1;
    fetch(root.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (body.status && body.status !== "queued" && body.status !== "processing") {
          window.location.reload();
        } else if (tries < 180) {
          window.setTimeout(poll, tries < 20 ? 700 : 2000);
        }
      })
      .catch(function () { if (tries < 180) window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 500);
})();
