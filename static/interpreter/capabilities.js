// What this browser's media APIs can do for the live page, found by feature detection
// (never by user agent), as pure functions the unit tests can feed fakes.

/**
 * True when getDisplayMedia can hand back the shared tab's audio.
 *
 * Only Chromium-based browsers capture display audio: Firefox and Safari ignore
 * `audio: true` and share video alone, so offering "a meeting in another tab" there can
 * only end in "the shared tab has no audio". Nothing reports that directly, but the
 * display-audio-only constraint `suppressLocalAudioPlayback` is known to exactly the
 * browsers that capture it, so its support is the test.
 *
 * @param {MediaDevices | undefined} mediaDevices  usually `navigator.mediaDevices`
 */
export function canCaptureTabAudio(mediaDevices) {
  if (typeof mediaDevices?.getDisplayMedia !== "function") return false;
  if (typeof mediaDevices.getSupportedConstraints !== "function") return false;
  return mediaDevices.getSupportedConstraints().suppressLocalAudioPlayback === true;
}
