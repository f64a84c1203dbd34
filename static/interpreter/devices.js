// Select boxes of a live page: filled from data, and the audio devices the browser lists.

/** Replace `select`'s options with `items` ([{value, label}]), selecting `selected`. */
export function fillSelect(select, items, selected) {
  select.replaceChildren();
  for (const item of items) {
    const option = document.createElement("option");
    option.value = String(item.value);
    option.textContent = item.label;
    if (String(item.value) === String(selected)) option.selected = true;
    select.append(option);
  }
}

/**
 * Fill the microphone and output selects (either may be null) with the devices the browser
 * lists, keeping the current choice when it is still there. Labels appear only once the page
 * may use the microphone.
 */
export async function refreshDevices({ mic = null, output = null }) {
  if (!navigator.mediaDevices?.enumerateDevices) return;
  let devices = [];
  try {
    devices = await navigator.mediaDevices.enumerateDevices();
  } catch {
    return;
  }
  const fill = (select, kind, defaultLabel, fallbackName) => {
    const current = select.value;
    const items = [{ value: "", label: defaultLabel }];
    let n = 0;
    for (const d of devices) {
      if (d.kind !== kind || !d.deviceId || d.deviceId === "default" || d.deviceId === "communications") continue;
      n += 1;
      items.push({ value: d.deviceId, label: d.label || `${fallbackName} ${n}` });
    }
    fillSelect(select, items, items.some((i) => i.value === current) ? current : "");
  };
  if (mic) fill(mic, "audioinput", "Default microphone", "Microphone");
  if (output) fill(output, "audiooutput", "System default", "Speaker");
}

/** Volume and mute remembered across visits (storage may be unavailable: defaults then). */
export function loadVolume(volume, mute) {
  try {
    const saved = localStorage.getItem("interpreter.volume");
    if (saved !== null && !Number.isNaN(Number(saved))) volume.value = saved;
    mute.checked = localStorage.getItem("interpreter.muted") === "1";
  } catch {
    // Private mode: defaults are fine.
  }
}

export function saveVolume(volume, mute) {
  try {
    localStorage.setItem("interpreter.volume", volume.value);
    localStorage.setItem("interpreter.muted", mute.checked ? "1" : "0");
  } catch {
    // Ignore.
  }
}
