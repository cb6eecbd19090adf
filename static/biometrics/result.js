// Poll the selfie's status until the worker has decided, then show the result.
// When the check takes longer than usual (the queue or the worker is down: the
// photo is saved and the sweep sends it again), say so instead of spinning on;
// polling slows down to every 15 seconds but never stops.
(function () {
  "use strict";
  var root = document.getElementById("result");
  if (!root || !root.dataset.poll) return;
  var slow = document.getElementById("slow");
  var SLOW_AFTER_MS = 20000;
  var started = Date.now();
  function next() {
    var waited = Date.now() - started;
    if (slow && waited > SLOW_AFTER_MS) slow.hidden = false;
    window.setTimeout(poll, waited < 15000 ? 700 : Math.min(15000, 2000 + waited / 20));
  }
  function poll() {
    fetch(root.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (body.status && body.status !== "queued" && body.status !== "processing") {
          window.location.reload();
        } else {
          next();
        }
      })
      .catch(next);
  }
  window.setTimeout(poll, 500);
})();
