// Selfie capture: live camera with a face guide, or the file input fallback.
// Either way the photo goes to the API with upload progress, then to the result page.
(function () {
  "use strict";
  var root = document.getElementById("selfie");
  if (!root) return;
  var camera = document.getElementById("camera");
  var video = document.getElementById("video");
  var shoot = document.getElementById("shoot");
  var form = document.getElementById("fallback");
  var box = document.getElementById("progress-box");
  var bar = document.getElementById("progress");
  var text = document.getElementById("progress-text");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(message, isError) {
    box.hidden = false;
    text.textContent = message;
    text.className = isError ? "alert error" : "";
  }

  function resultUrl(id) {
    var url = root.dataset.result.replace(/\/0\/$/, "/" + id + "/");
    var next = root.dataset.next;
    return next ? url + "?next=" + encodeURIComponent(next) : url;
  }

  function upload(blob, name) {
    var data = new FormData();
    data.append("image", blob, name);
    send(data);
  }

  function send(data) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", root.dataset.api);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      if (xhr.status === 202) {
        bar.value = 100;
        say(root.dataset.msgChecking);
        window.location.assign(resultUrl(body.id));
      } else if (xhr.status === 423) {
        window.location.reload();
      } else {
        say(body.detail || root.dataset.msgFailed, true);
        shoot.disabled = false;
      }
    };
    xhr.onerror = function () {
      say(root.dataset.msgFailed, true);
      shoot.disabled = false;
    };
    bar.value = 0;
    bar.hidden = false;
    say(root.dataset.msgUploading);
    xhr.send(data);
  }

  form.addEventListener("submit", function (e) {
    var input = document.getElementById("image");
    if (!input.files.length || !window.FormData) return; // plain form post
    e.preventDefault();
    upload(input.files[0], input.files[0].name);
  });

  function noCamera() {
    bar.hidden = true; // nothing is being sent
    say(root.dataset.msgNoCamera, false);
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return noCamera();
  navigator.mediaDevices
    .getUserMedia({ video: { facingMode: "user", width: { ideal: 1280 }, height: { ideal: 960 } }, audio: false })
    .then(function (stream) {
      video.srcObject = stream;
      camera.hidden = false;
      root.classList.add("has-camera");
    })
    .catch(noCamera);

  function still(longSide, quality, done) {
    var scale = Math.min(1, longSide / Math.max(video.videoWidth, video.videoHeight));
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    canvas.toBlob(done, "image/jpeg", quality);
  }

  // Liveness: ask the server for a challenge, show it, record a short burst of
  // small frames with their times (ms since the challenge arrived) and send them.
  var FRAMES = 8, EVERY_MS = 200, LEAD_MS = 700;
  function challenge() {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", root.dataset.challengeApi);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      if (xhr.status === 201) return record(body);
      if (xhr.status === 423) return window.location.reload();
      say(body.detail || root.dataset.msgFailed, true);
      shoot.disabled = false;
    };
    xhr.onerror = function () { say(root.dataset.msgFailed, true); shoot.disabled = false; };
    xhr.send();
  }

  function record(ch) {
    var box = document.getElementById("challenge");
    box.hidden = false;
    box.dataset.steps = ch.steps.join(" ");
    ch.steps.forEach(function (step) {
      var item = box.querySelector("[data-step='" + step + "']");
      if (item) item.hidden = false;
    });
    var start = performance.now();
    var data = new FormData();
    var times = [];
    data.append("challenge", ch.nonce);
    function grab(n) {
      still(480, 0.85, function (blob) {
        times.push(Math.round(performance.now() - start));
        data.append("frames", blob, "frame-" + n + ".jpg");
        if (n + 1 < FRAMES) {
          window.setTimeout(function () { grab(n + 1); }, EVERY_MS);
        } else {
          data.append("frame_times_ms", times.join(","));
          box.dataset.done = "1";
          send(data);
        }
      });
    }
    window.setTimeout(function () { grab(0); }, LEAD_MS);
  }

  shoot.addEventListener("click", function () {
    if (!video.videoWidth) return;
    shoot.disabled = true;
    // The last refusal no longer applies: it must not read as this shot's answer.
    box.hidden = true;
    text.className = "";
    if (root.dataset.liveness === "1") return challenge();
    still(100000, 0.92, function (blob) { upload(blob, "selfie.jpg"); });
  });
})();
