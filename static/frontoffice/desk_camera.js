// Desk re-take of the reference photo: the same viewfinder as the participant's
// selfie capture; the frame goes into the unblock form's file field, so the
// server decodes it with the same safe path (face_reference_create).
(function () {
  "use strict";
  var box = document.getElementById("desk-camera");
  if (!box) return;
  var camera = document.getElementById("camera");
  var video = document.getElementById("video");
  var shoot = document.getElementById("shoot");
  var input = document.getElementById("id_photo");
  var status = document.getElementById("camera-status");
  var started = false;

  function start() {
    if (started) return;
    started = true;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status.textContent = box.dataset.msgNoCamera;
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 960 } }, audio: false })
      .then(function (stream) { video.srcObject = stream; camera.hidden = false; })
      .catch(function () { status.textContent = box.dataset.msgNoCamera; });
  }
  box.addEventListener("toggle", function () { if (box.open) start(); });

  shoot.addEventListener("click", function () {
    if (!video.videoWidth) return;
    var canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    canvas.toBlob(function (blob) {
      var files = new DataTransfer();
      files.items.add(new File([blob], "reference.jpg", { type: "image/jpeg" }));
      input.files = files.files;
      status.textContent = box.dataset.msgTaken;
    }, "image/jpeg", 0.92);
  });
})();
