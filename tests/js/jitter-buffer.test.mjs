import test from "node:test";
import assert from "node:assert/strict";
import { JitterBuffer } from "../../static/interpreter/jitter-buffer.js";

const RATE = 16000;
const ms = (n) => (n * RATE) / 1000;
const ones = (n, v = 1) => new Float32Array(n).fill(v);

function pullMany(jb, quanta, size = 128) {
  const outs = [];
  for (let i = 0; i < quanta; i++) {
    const out = new Float32Array(size);
    jb.pull(out);
    outs.push(out);
  }
  return outs;
}

const silent = (blocks) => blocks.every((b) => b.every((v) => v === 0));

test("no output until ~150 ms is queued, then playback with a fade-in", () => {
  const jb = new JitterBuffer({ sampleRate: RATE, prebufferMs: 150 });
  jb.push(ones(ms(100)));
  assert.ok(silent(pullMany(jb, 5)), "silent while pre-buffering");
  assert.equal(jb.played, 0);
  assert.equal(jb.state, "buffering");
  jb.push(ones(ms(60)));
  const [first, second] = pullMany(jb, 2);
  assert.equal(jb.state, "playing");
  assert.ok(first[0] > 0 && first[0] < 0.1, "starts quietly");
  for (let i = 1; i < first.length; i++) assert.ok(first[i] >= first[i - 1], "ramps up");
  assert.equal(second[0], 1, "full level after the fade");
  assert.equal(jb.played, 256);
  assert.equal(jb.underruns, 0);
});

test("underrun is counted, fades out, and re-prebuffers before playing again", () => {
  const jb = new JitterBuffer({ sampleRate: RATE, prebufferMs: 150 });
  jb.push(ones(ms(150) + 64));
  const outs = pullMany(jb, Math.ceil((ms(150) + 64) / 128) + 1);
  assert.equal(jb.underruns, 1);
  assert.equal(jb.played, ms(150) + 64);
  assert.equal(jb.state, "buffering");
  const last = outs.find((b) => b.some((v) => v === 0) && b.some((v) => v !== 0));
  const lastNonZero = last.findLastIndex((v) => v !== 0);
  assert.ok(last[lastNonZero] < 0.2, "tail faded out, no step to silence");
  // A trickle below the pre-buffer threshold does not restart playback immediately.
  jb.push(ones(ms(40)));
  assert.ok(silent(pullMany(jb, 1)));
  jb.push(ones(ms(120)));
  const [again] = pullMany(jb, 1);
  assert.ok(again[0] > 0 && again[0] < 0.1, "fade-in after re-prebuffering");
  assert.equal(jb.underruns, 1);
});

test("a short final burst still plays once no more audio arrives", () => {
  const jb = new JitterBuffer({ sampleRate: RATE, prebufferMs: 150 });
  jb.push(ones(ms(50)));
  const outs = pullMany(jb, Math.ceil(ms(150) / 128) + 10);
  assert.equal(jb.played, ms(50));
  assert.ok(!silent(outs));
});

test("caps at ~3 s by dropping the oldest audio and counting it", () => {
  const jb = new JitterBuffer({ sampleRate: RATE, maxMs: 3000 });
  for (let i = 0; i < 200; i++) jb.push(ones(320, i)); // 4 s of 20 ms frames, value = frame no.
  assert.equal(jb.queuedMs, 3000);
  assert.equal(jb.dropped, ms(1000));
  assert.ok(jb.dropEvents > 0);
  const [first] = pullMany(jb, 1, 320);
  // Oldest remaining frame is number 50 (frames 0..49 = 1 s were dropped).
  assert.equal(first[319], 50);
  // One huge push keeps only its newest part.
  jb.push(ones(ms(5000), 7));
  assert.equal(jb.queuedMs, 3000);
  // 2 s of the new chunk itself, then everything that was queued (3 s minus the pulled 320).
  assert.equal(jb.dropped, ms(1000) + ms(2000) + ms(3000) - 320);
  const [newest] = pullMany(jb, 1, 320);
  assert.equal(newest[319], 7);
});

test("ring buffer wraps correctly and the played counter is exact", () => {
  const jb = new JitterBuffer({ sampleRate: RATE, prebufferMs: 20, maxMs: 100 });
  let next = 0;
  let expect = 0;
  for (let round = 0; round < 50; round++) {
    const chunk = new Float32Array(500);
    for (let i = 0; i < 500; i++) chunk[i] = (next++ % 997) / 997;
    jb.push(chunk);
    const out = new Float32Array(500);
    jb.pull(out);
    if (round > 0) {
      for (let i = 0; i < 500; i++) assert.equal(out[i], Math.fround((expect++ % 997) / 997));
    } else {
      expect = 500;
    }
  }
  assert.equal(jb.played, 50 * 500);
  assert.equal(jb.underruns, 0);
  assert.deepEqual(Object.keys(jb.stats()).sort(), ["dropEvents", "dropped", "played", "playing", "queuedMs", "underruns"]);
});

test("clear empties the queue and goes back to pre-buffering", () => {
  const jb = new JitterBuffer({ sampleRate: RATE });
  jb.push(ones(ms(500)));
  pullMany(jb, 1);
  jb.clear();
  assert.equal(jb.queuedMs, 0);
  assert.ok(silent(pullMany(jb, 3)));
});
