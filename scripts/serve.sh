#!/usr/bin/env bash
# Serve the web app on http://127.0.0.1:8000 and, unless a Krisp API key is configured, the
# local engine (localvt) beside it. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."

python=.venv/bin/python
web_host=${WEB_HOST:-127.0.0.1}
web_port=${WEB_PORT:-8000}
localvt_port=${LOCALVT_PORT:-8765}
children=()

stop_children() {
  trap - INT TERM EXIT
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_children INT TERM EXIT

# localvt reads its settings from its environment; the LOCALVT_* lines of .env count too,
# unless the environment already sets them.
export_localvt_settings() {
  [[ -f .env ]] || return 0
  local name value
  while IFS='=' read -r name value; do
    [[ $name =~ ^LOCALVT_[A-Z_]+$ && -z ${!name:-} ]] || continue
    value=${value%\"}; value=${value#\"}; value=${value%\'}; value=${value#\'}
    export "$name=$value"
  done < .env
}

krisp_key=${KRISP_API_KEY:-}
if [[ -z $krisp_key && -f .env ]]; then
  krisp_key=$(sed -n 's/^KRISP_API_KEY=//p' .env | tail -n1)
fi
if [[ -z $krisp_key && ! -f localvt/__main__.py ]]; then
  echo "No KRISP_API_KEY and no local engine in this checkout: live translation is unavailable."
elif [[ -z $krisp_key ]]; then
  export LOCALVT_URL=${LOCALVT_URL:-http://127.0.0.1:$localvt_port}
  export_localvt_settings
  echo "Starting localvt, the offline translation engine, on $LOCALVT_URL (loading models)..."
  $python -m localvt --host 127.0.0.1 --port "$localvt_port" &
  children+=($!)
  for _ in $(seq 1 240); do
    if $python -c "import socket,sys; s=socket.socket(); s.settimeout(0.5); sys.exit(s.connect_ex(('127.0.0.1', $localvt_port)))"; then
      break
    fi
    kill -0 "${children[0]}" 2>/dev/null || { echo "localvt failed to start" >&2; exit 1; }
    sleep 0.5
  done
else
  echo "Using Krisp's hosted service (KRISP_API_KEY is set)."
fi

echo "Interpreter is at http://$web_host:$web_port/ — press Ctrl-C to stop."
.venv/bin/daphne -b "$web_host" -p "$web_port" interpreter.asgi:application &
children+=($!)
wait -n "${children[@]}"
