#!/usr/bin/env bash
# The test command: type check, the harness's own tests (node-tap), then every ported suite
# against the real server. Ends with one line "N passed, M failed" summing both.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --browser || exit 1  # the HTML report's test drives chromium

status=0
npx tsc --noEmit || { echo "typecheck failed"; status=1; }

unit_log=$(mktemp)
npx tap --reporter=terse --disable-coverage --timeout=600 --jobs=2 'test/**/*.test.ts' 2>&1 | tee "$unit_log"
unit_rc=${PIPESTATUS[0]}
[ "$unit_rc" = 0 ] || status=1
unit_total=$(sed -n 's/^# { total: \([0-9]*\).*/\1/p' "$unit_log" | tail -1)
unit_pass=$(sed -n 's/^# { total: [0-9]*, pass: \([0-9]*\).*/\1/p' "$unit_log" | tail -1)
unit_total=${unit_total:-0}
unit_pass=${unit_pass:-0}
unit_fail=$((unit_total - unit_pass))
if [ "$unit_rc" != 0 ] && [ "$unit_fail" = 0 ]; then unit_fail=1; fi
rm -f "$unit_log"

suite_log=$(mktemp)
./runtest "$@" 2>&1 | tee "$suite_log"
suite_rc=${PIPESTATUS[0]}
[ "$suite_rc" = 0 ] || status=1
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$suite_log" | tail -1)
suite_pass=$(echo "$summary" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
suite_fail=$(echo "$summary" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
suite_pass=${suite_pass:-0}
suite_fail=${suite_fail:-0}
if [ "$suite_rc" != 0 ] && [ "$suite_fail" = 0 ]; then suite_fail=1; fi
rm -f "$suite_log"

echo
echo "harness tests: $unit_pass passed, $unit_fail failed; ported suites: $suite_pass passed, $suite_fail failed"
echo "$((unit_pass + suite_pass)) passed, $((unit_fail + suite_fail)) failed"
exit $status
