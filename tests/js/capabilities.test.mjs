import test from "node:test";
import assert from "node:assert/strict";
import { canCaptureTabAudio } from "../../static/interpreter/capabilities.js";

const displayMedia = (constraints) => ({
  getDisplayMedia: async () => ({}),
  getSupportedConstraints: () => constraints,
});

test("Chromium, which captures tab audio, may share a tab", () => {
  assert.equal(canCaptureTabAudio(displayMedia({ deviceId: true, suppressLocalAudioPlayback: true })), true);
});

test("Firefox, which shares tabs without their audio, may not", () => {
  // What Firefox 153 reports: display capture, but no display-audio constraint.
  assert.equal(canCaptureTabAudio(displayMedia({ deviceId: true, mediaSource: true, browserWindow: true })), false);
});

test("no getDisplayMedia, or no media devices at all (insecure page), means no tab", () => {
  assert.equal(canCaptureTabAudio({ getSupportedConstraints: () => ({ suppressLocalAudioPlayback: true }) }), false);
  assert.equal(canCaptureTabAudio(undefined), false);
  assert.equal(canCaptureTabAudio({ getDisplayMedia: async () => ({}) }), false);
});
