// The camera and microphone test: the browser's media APIs only. Nothing is recorded or sent.
(function () {
  'use strict';

  function start(root) {
    var status = root.querySelector('[data-device-status]');
    var help = root.querySelector('[data-device-help]');
    var panels = root.querySelector('[data-device-panels]');
    var video = root.querySelector('[data-device-video]');
    var meter = root.querySelector('[data-device-meter]');
    var startButton = root.querySelector('[data-device-start]');
    var stopButton = root.querySelector('[data-device-stop]');
    var stream = null;
    var audio = null;
    var frame = 0;

    function say(text, helpText) {
      status.textContent = text;
      help.textContent = helpText || '';
      help.hidden = !helpText;
    }

    function stop() {
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
      if (stream)
        stream.getTracks().forEach(function (track) {
          track.stop();
        });
      stream = null;
      if (audio) audio.close();
      audio = null;
      video.srcObject = null;
      panels.hidden = true;
      stopButton.hidden = true;
      startButton.hidden = false;
      startButton.focus();
    }

    function showLevel() {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context || stream.getAudioTracks().length === 0) return;
      audio = new Context();
      var analyser = audio.createAnalyser();
      analyser.fftSize = 512;
      audio.createMediaStreamSource(stream).connect(analyser);
      var samples = new Uint8Array(analyser.fftSize);
      function tick() {
        analyser.getByteTimeDomainData(samples);
        var peak = 0;
        for (var i = 0; i < samples.length; i += 1) peak = Math.max(peak, Math.abs(samples[i] - 128));
        meter.value = Math.min(100, Math.round((peak / 128) * 100));
        frame = requestAnimationFrame(tick);
      }
      tick();
    }

    startButton.addEventListener('click', function () {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        say(root.dataset.textUnsupported);
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then(
        function (got) {
          stream = got;
          video.srcObject = stream;
          panels.hidden = false;
          startButton.hidden = true;
          stopButton.hidden = false;
          stopButton.focus();
          showLevel();
          say(root.dataset.textOk);
          root.setAttribute('data-result', 'ok');
        },
        function (error) {
          var name = error && error.name;
          if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') {
            say(root.dataset.textNotFound, root.dataset.textNotFoundHelp);
            root.setAttribute('data-result', 'not-found');
          } else {
            say(root.dataset.textDenied, root.dataset.textDeniedHelp);
            root.setAttribute('data-result', 'denied');
          }
        },
      );
    });
    stopButton.addEventListener('click', stop);
    window.addEventListener('pagehide', function () {
      if (stream) stop();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var root = document.querySelector('[data-device-check]');
    if (root) start(root);
  });
})();
