#!/usr/bin/env bash
# Lighthouse (mobile profile, simulated throttling) on signed-in pages of the release build, with
# the demo, as an employee. Installs npm `lighthouse` into the tools cache when missing; runs it
# against Debian's Chromium. Prints each page's scores; the full reports go to
# end2end/artifacts/lighthouse-*.json.
#
#   (source scripts/lib.sh; build_site)   # the release site, as scripts/test builds it
#   end2end/load/lighthouse.sh /catalog/extra-monitor /my-requests /
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
ensure_node
if [ ! -x "$TOOLS/node_modules/.bin/lighthouse" ]; then
  say "installing lighthouse (npm)"
  npm install --prefix "$TOOLS" --no-audit --no-fund lighthouse@12
fi
atrium="$CARGO_TARGET_DIR/release/atrium"
out="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/artifacts"
mkdir -p "$out"
dir=$(mktemp -d)
port=${LIGHTHOUSE_PORT:-3917}
DATABASE_URL="sqlite://$dir/atrium.db?mode=rwc" ATRIUM_FILES="$dir/files" \
  ATRIUM_LISTEN="127.0.0.1:$port" ATRIUM_SITE_ROOT="$SITE_ROOT" RUST_LOG=warn \
  "$atrium" --demo >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 1; done
cookie=$(curl -s -o /dev/null -D - -X POST "http://127.0.0.1:$port/api/login" \
  -H "Origin: http://127.0.0.1:$port" -H 'Content-Type: application/x-www-form-urlencoded' \
  --data 'email=emma.clark%40atrium.example&password=atrium-demo' |
  grep -i '^set-cookie' | head -1 | sed 's/^[Ss]et-[Cc]ookie: //; s/;.*//')
[ -n "$cookie" ] || { echo "ERROR: could not sign in" >&2; exit 1; }
for path in "${@:-/catalog/extra-monitor}"; do
  report="$out/lighthouse$(echo "$path" | tr '/' '-').json"
  CHROME_PATH=/usr/bin/chromium "$TOOLS/node_modules/.bin/lighthouse" "http://127.0.0.1:$port$path" \
    --quiet --output=json --output-path="$report" --extra-headers="{\"Cookie\":\"$cookie\"}" \
    --chrome-flags="--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync"
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (new URL(r.finalDisplayedUrl).pathname.startsWith("/login")) throw new Error("not signed in");
    const c = r.categories, a = r.audits, s = (k) => Math.round(c[k].score * 100);
    const failing = Object.values(a).filter((x) => x.score !== null && x.score < 1 && x.scoreDisplayMode === "binary").map((x) => x.id);
    console.log(`${process.argv[2]}: performance ${s("performance")}, accessibility ${s("accessibility")}, best practices ${s("best-practices")}; time to interactive ${a["interactive"].displayValue}, total blocking time ${a["total-blocking-time"].displayValue}; failing checks: ${failing.join(", ") || "none"}`);
  ' "$report" "$path"
done
