#!/usr/bin/env bash
# Install the Debian packages a target needs, once. As root it installs what is missing;
# otherwise it prints the one `sudo apt-get install` line and fails, changing nothing.
#   scripts/system-packages.sh run|test
set -euo pipefail

# The local engine's translation pairs (speech recognition and synthesis come from pip wheels).
run_packages=(python3-venv apertium apertium-eng-spa apertium-eng-cat apertium-en-gl
  apertium-eo-en apertium-fr-es)
# Tests also need browsers, Node for the JavaScript tests and for driving Firefox, tools to
# make speech clips, PulseAudio for Firefox's virtual microphone, and HAProxy for the tests
# of several localvt engines behind a load balancer.
test_packages=(chromium firefox-esr nodejs espeak-ng sox pocketsphinx-testdata pulseaudio
  pulseaudio-utils haproxy)

case "${1:-run}" in
  run) wanted=("${run_packages[@]}") ;;
  test) wanted=("${run_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac
# Debian's nodejs comes without npm (NodeSource's includes it); the Firefox tests need npm.
if [[ ${1:-run} == test ]] && ! command -v npm >/dev/null; then
  wanted+=(npm)
fi

if ! command -v dpkg-query >/dev/null; then
  echo "Not a Debian or Ubuntu system: install the equivalents of: ${wanted[*]}" >&2
  exit 0
fi

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$package")
done
((${#missing[@]})) || exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "Interpreter needs these system packages. Install them, then run make again:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
