#!/usr/bin/env bash
# Counts the pairs of places that share six or more lines (same text or same shape) in server/ and in views/,
# with the `duplicates` command (issue 8: "fewer repeated blocks"). `duplicates` does not read .ejs, so the
# views are copied to a temporary folder with an .html ending first. Prints one line per tree; with
# --list, also the pairs themselves (most shared first).
set -euo pipefail
cd "$(dirname "$0")/.."

most=1
if [[ "${1:-}" == "--list" ]]; then most=200; fi

if ! command -v duplicates >/dev/null 2>&1; then
  echo "count-duplicates: the 'duplicates' command is not installed on this machine" >&2
  exit 2
fi

pairs() {
  # First line of the output: "N pairs of places (...)" or "no duplicates (...)".
  local out
  out="$(cd "$1" && duplicates --most "$most" --seconds 60)"
  if [[ "$most" -gt 1 ]]; then echo "$out" >&2; fi
  echo "$out" | head -n 1 | sed -E 's/^no duplicates.*/0/; s/^([0-9]+) pairs? .*/\1/'
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd views && find . -name '*.ejs' -print0) | while IFS= read -r -d '' f; do
  mkdir -p "$tmp/$(dirname "$f")"
  cp "views/$f" "$tmp/${f%.ejs}.html"
done

echo "server/: $(pairs server) pairs"
echo "views/: $(pairs "$tmp") pairs"
