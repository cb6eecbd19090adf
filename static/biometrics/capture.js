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
    say(root.dataset.msgUploading);
    xhr.send(data);
  }

  form.addEventListener("submit", function (e) {
    var input = document.getElementById("image");
    if (!input.files.length || !window.FormData) return; // plain form post
    e.preventDefault();
    upload(input.files[0], input.files[0].name);
  });

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  navigator.mediaDevices
    .getUserMedia({ video: { facingMode: "user", width: { ideal: 1280 }, height: { ideal: 960 } }, audio: false })
    .then(function (stream) {
      video.srcObject = stream;
      camera.hidden = false;
      root.classList.add("has-camera");
    })
    .catch(function () {
      say(root.dataset.msgNoCamera, false);
    });

  shoot.addEventListener("click", function () {
    if (!video.videoWidth) return;
    shoot.disabled = true;
    var canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    canvas.toBlob(function (blob) { upload(blob, "selfie.jpg"); }, "image/jpeg", 0.92);
  });
})();
