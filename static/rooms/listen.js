// The listener page (/r/<token>/). A placeholder until the live listener lands: it only fills
// the language select from the page's config (json_script "listen-config"); nothing connects.

const config = (() => {
  try {
    return JSON.parse(document.getElementById("listen-config").textContent) || {};
  } catch {
    return {};
  }
})();

const select = document.getElementById("listen-language");
const original = new Option(`Original only (${config.source?.name ?? "as spoken"})`, "");
select.append(original, ...(config.targets ?? []).map((target) => new Option(target.name, target.code)));
if (config.targets?.length) select.value = config.targets[0].code;
if (config.error) document.getElementById("live-alert").textContent = config.error;
