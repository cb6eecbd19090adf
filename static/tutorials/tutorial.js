// Caption language switch for the tutorial video: shows one text track, hides the rest.
(function () {
  "use strict";
  var video = document.getElementById("tutorial-video");
  if (!video) { return; }
  var buttons = document.querySelectorAll(".caption-switch");
  function show(lang) {
    for (var i = 0; i < video.textTracks.length; i++) {
      var track = video.textTracks[i];
      track.mode = lang && track.language === lang ? "showing" : "hidden";
    }
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    });
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { show(b.dataset.lang); });
  });
  var current = document.documentElement.lang || "id";
  show(video.querySelector('track[srclang="' + current + '"]') ? current : "");
})();
