// Opening what the page listens to (a microphone, or a meeting in another tab) and turning it
// into 20 ms frames of 16 kHz mono Int16LE through the capture worklet.

export const TARGET_RATE = 16000;
const TAB_NO_AUDIO = "The shared tab has no audio. Share a tab and tick 'Share tab audio'.";

/** An error whose message is meant for the person at the page. */
export class UserFacingError extends Error {}

export async function openMicrophone(deviceId) {
  const audio = { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: { ideal: 1 } };
  if (deviceId) audio.deviceId = { exact: deviceId };
  try {
    return await navigator.mediaDevices.getUserMedia({ audio });
  } catch (error) {
    throw new UserFacingError(mediaErrorMessage(error, "mic"));
  }
}

/** Must be called synchronously from a click handler: getDisplayMedia needs the gesture. */
export function openTabCapture() {
  if (!navigator.mediaDevices?.getDisplayMedia) {
    return Promise.reject(new UserFacingError("This browser cannot share another tab's audio. Use the microphone instead."));
  }
  return navigator.mediaDevices
    .getDisplayMedia({
      audio: true,
      video: true,
      // Chromium hints; other browsers ignore them.
      systemAudio: "include",
      selfBrowserSurface: "exclude",
      surfaceSwitching: "include",
    })
    .catch((error) => {
      throw new UserFacingError(mediaErrorMessage(error, "tab"));
    })
    .then((stream) => {
      for (const track of stream.getVideoTracks()) {
        track.stop();
        stream.removeTrack(track);
      }
      if (stream.getAudioTracks().length === 0) {
        throw new UserFacingError(TAB_NO_AUDIO);
      }
      return stream;
    });
}

function mediaErrorMessage(error, kind) {
  const name = error?.name || "";
  if (kind === "tab") {
    if (name === "NotAllowedError" || name === "AbortError") return "Sharing was cancelled or blocked. Press Start and choose a tab to share.";
    return "The tab could not be shared. Try again, or use the microphone.";
  }
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Microphone access is blocked. Allow it in your browser's site settings and press Start again.";
  }
  if (name === "NotFoundError") return "No microphone was found. Connect one and press Start again.";
  if (name === "OverconstrainedError") return "The selected microphone is not available. Choose another one.";
  if (name === "NotReadableError") return "The microphone could not be opened. It may be in use by another application.";
  return "The microphone could not be opened.";
}

export function stopStream(stream) {
  for (const track of stream?.getTracks() || []) track.stop();
}

/**
 * Connect `stream` to a capture worklet node (module already added to `ctx`) that posts
 * `{type: "frame", buffer, rms}` for every frame to `onFrame`. Returns {source, capture}.
 */
export function startCapture(ctx, stream, frameSamples, onFrame) {
  const source = ctx.createMediaStreamSource(stream);
  const capture = new AudioWorkletNode(ctx, "capture-processor", {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: { targetRate: TARGET_RATE, frameSamples },
  });
  capture.port.onmessage = (event) => {
    if (event.data?.type === "frame") onFrame(event.data);
  };
  source.connect(capture);
  // The capture node outputs silence; connecting it keeps it pulled in every browser.
  capture.connect(ctx.destination);
  return { source, capture };
}

export function stopCapture(nodes) {
  try {
    nodes.source?.disconnect();
    nodes.capture?.port.postMessage({ type: "stop" });
    nodes.capture?.disconnect();
  } catch {
    // Already disconnected.
  }
}
