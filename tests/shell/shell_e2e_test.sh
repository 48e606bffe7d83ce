#!/usr/bin/env bash
# End-to-end tests of `folio shell` and `folio ledger` against a real `folio serve`:
# non-interactive runs (-c, script file, piped stdin) with expected output and exit codes, and an
# interactive session driven through a pseudo-terminal with tmux (typing, multi-line input,
# history, tab completion, BEGIN/COMMIT, \commands).
# Usage: shell_e2e_test.sh <path to folio>
set -u
FOLIO=$1
TMP=$(mktemp -d /tmp/folio-shell-e2e.XXXXXX)
SOCK="folio-shell-e2e-$$"
SERVER_PID=
FAILS=0
cleanup() {
  tmux -L "$SOCK" kill-server >/dev/null 2>&1
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok:   $*"; }

# expect <name> <expected exit> <pattern that stdout+stderr must contain> -- <command...>
expect() {
  local name=$1 code=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" != "$code" ]; then fail "$name: exit $rc, wanted $code; output: $out"; return; fi
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
    fail "$name: output lacks /$pattern/: $out"; return
  fi
  pass "$name"
}

# ---- server (default credentials generated into the data dir) ----
"$FOLIO" serve --data-dir "$TMP/data" --listen 127.0.0.1:0 --quiet --no-fsync >"$TMP/serve.out" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 200); do
  grep -q "endpoint:" "$TMP/serve.out" 2>/dev/null && break
  sleep 0.05
done
EP=$(sed -n 's/^ *endpoint: *//p' "$TMP/serve.out" | head -1)
[ -n "$EP" ] || { echo "FAIL: folio serve did not start: $(cat "$TMP/serve.out")"; exit 1; }
SH=("$FOLIO" shell --endpoint "$EP" --data-dir "$TMP/data")

# ---- non-interactive ----
expect "-c runs statements" 0 "" -- "${SH[@]}" -c "CREATE TABLE Cars; INSERT INTO Cars VALUE {'VIN': 'V1', 'n': 1}"
expect "-c json output" 0 '^\{$' -- "${SH[@]}" --format json -q -c "SELECT VIN, n FROM Cars"
out=$("${SH[@]}" --format json -q -c "SELECT VALUE n FROM Cars" 2>/dev/null)
[ "$out" = "1" ] && pass "-c json value is exactly 1" || fail "-c json value: '$out'"
out=$("${SH[@]}" -q -c "SELECT VALUE VIN FROM Cars" 2>/dev/null)
[ "$out" = '"V1"' ] && pass "-c ion value is exactly \"V1\"" || fail "-c ion value: '$out'"
expect "statistics line on stderr" 0 "1 document in .* ms \(server .* ms, read IOs [0-9]+, write IOs [0-9]+\)" -- "${SH[@]}" -c "SELECT * FROM Cars"
expect "syntax error exits 1" 1 "BadRequestException" -- "${SH[@]}" -c "SELEC * FROM Cars"
expect "unknown table exits 1" 1 "error:" -- "${SH[@]}" -c "SELECT * FROM NoSuchTable"
expect "error stops the run" 1 "" -- "${SH[@]}" -c "SELECT * FROM NoSuchTable; INSERT INTO Cars VALUE {'VIN': 'never'}"
out=$("${SH[@]}" -q --format json -c "SELECT VALUE COUNT(*) FROM Cars WHERE VIN = 'never'" 2>/dev/null)
[ "$out" = "0" ] && pass "statements after an error did not run" || fail "after error: '$out'"

cat >"$TMP/script.sql" <<'SQL'
-- a script with an explicit transaction and multi-line statements
BEGIN;
INSERT INTO Cars
  VALUE {'VIN': 'V2', 'n': 2};
INSERT INTO Cars VALUE {'VIN': 'V3', 'n': 3}
;
COMMIT;
BEGIN;
INSERT INTO Cars VALUE {'VIN': 'aborted', 'n': 99};
ABORT;
SELECT VALUE n FROM Cars
  WHERE n > 1

SQL
out=$("${SH[@]}" -q "$TMP/script.sql" 2>"$TMP/err"); rc=$?
sorted=$(grep -E '^[0-9]+$' <<<"$out" | sort | tr '\n' ' ')
inserted=$(grep -c 'documentId: "' <<<"$out")
[ "$rc" = 0 ] && [ "$sorted" = "2 3 " ] && [ "$inserted" = 3 ] && pass "script file with BEGIN/COMMIT/ABORT" \
  || fail "script: rc=$rc out='$out' err=$(cat "$TMP/err")"

out=$(printf "SELECT VALUE n FROM Cars WHERE VIN = 'V3';\n" | "${SH[@]}" -q 2>/dev/null); rc=$?
[ "$rc" = 0 ] && [ "$out" = "3" ] && pass "stdin when not a TTY" || fail "stdin: rc=$rc out='$out'"
expect "stdin error exits 1" 1 "error" -- bash -c "echo 'SELECT * FROM Nope;' | ${SH[*]}"
expect "unterminated transaction exits 1" 1 "inside a transaction" -- "${SH[@]}" -c "BEGIN; SELECT * FROM Cars"

expect "\\tables" 0 "^Cars$" -- "${SH[@]}" -c '\tables'
expect "\\digest" 0 "digest: +[A-Za-z0-9+/=]{44}" -- "${SH[@]}" -c '\digest'
ID=$("${SH[@]}" -q --format json -c "SELECT VALUE metadata.id FROM _ql_committed_Cars WHERE data.VIN = 'V1'" 2>/dev/null | tr -d '"')
[ ${#ID} = 22 ] && pass "document id" || fail "document id '$ID'"
expect "\\verify OK" 0 "^OK: document $ID" -- "${SH[@]}" -c "\\verify Cars $ID"
expect "\\verify unknown document" 1 "no document" -- "${SH[@]}" -c "\\verify Cars AAAAAAAAAAAAAAAAAAAAAA"
expect "\\history" 0 "VIN: \"V1\"" -- "${SH[@]}" -c "\\history Cars $ID"
expect "unknown command" 1 "unknown command" -- "${SH[@]}" -c '\nope'
expect "wrong credentials" 1 "cannot connect" -- "$FOLIO" shell --endpoint "$EP" --access-key X --secret-key Y -c "SELECT 1 FROM Cars"
expect "unknown ledger" 1 "cannot connect" -- "${SH[@]}" --ledger nosuch -c "SELECT * FROM Cars"
expect "no server" 1 "cannot connect" -- "$FOLIO" shell --endpoint http://127.0.0.1:1 -c "SELECT 1"

# ---- TLS (self-signed certificate): verified with --ca-file, refused without, --insecure ----
"$FOLIO" serve --data-dir "$TMP/tls" --listen 127.0.0.1:0 --quiet --no-fsync --no-auth \
  --tls-self-signed >"$TMP/tls.out" 2>&1 &
TLS_PID=$!
for _ in $(seq 1 200); do
  grep -q "endpoint:" "$TMP/tls.out" 2>/dev/null && break
  sleep 0.05
done
TLS_EP=$(sed -n 's/^ *endpoint: *//p' "$TMP/tls.out" | head -1)
expect "https with --ca-file" 0 "^7$" -- "$FOLIO" shell --endpoint "$TLS_EP" --ca-file "$TMP/tls/tls/cert.pem" -q -c "SELECT VALUE 7 FROM << 0 >>"
expect "https untrusted certificate" 1 "certificate verify failed" -- "$FOLIO" shell --endpoint "$TLS_EP" -c "SELECT VALUE 7 FROM << 0 >>"
expect "https --insecure" 0 "^7$" -- "$FOLIO" shell --endpoint "$TLS_EP" --insecure -q -c "SELECT VALUE 7 FROM << 0 >>"
# folio bench over TLS: one thread per session through the driver.
expect "bench over https" 0 '"commits":[1-9][0-9]*,.*"occ_conflicts":0,"errors":0,' -- \
  "$FOLIO" bench --endpoint "$TLS_EP" --insecure --clients 3 --duration 1 --warmup 0 --json
kill "$TLS_PID" 2>/dev/null; wait "$TLS_PID" 2>/dev/null

# ---- folio bench over plain HTTP: sessions on event-loop threads ----
BENCH=("$FOLIO" bench --endpoint "$EP" --data-dir "$TMP/data" --json --warmup 0)
expect "bench writes and indexed reads" 0 \
  '"commits":[1-9][0-9]*,"commits_per_s":[0-9.]+,"reads":[1-9][0-9]*,"reads_per_s":[0-9.]+,"occ_conflicts":0,"errors":0,' \
  -- "${BENCH[@]}" --table BenchCars --clients 5 --threads 2 --duration 1 --read-ratio 0.5 --preload 20
expect "bench --transactions runs exactly that many" 0 '"commits":40,.*"errors":0,' \
  -- "${BENCH[@]}" --table BenchTrucks --clients 3 --threads 1 --transactions 40
expect "bench committed what it reported" 0 '^40$' \
  -- "${SH[@]}" -q -c "SELECT VALUE COUNT(*) FROM BenchTrucks"
expect "bench wrong credentials" 1 "UnrecognizedClientException" \
  -- "$FOLIO" bench --endpoint "$EP" --access-key X --secret-key Y --clients 2 --duration 1
expect "bench no server" 1 "cannot connect" \
  -- "$FOLIO" bench --endpoint http://127.0.0.1:1 --clients 2 --duration 1
# A server that accepts connections and never answers: the request timeout ends the run.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
s.settimeout(0.2)
end = time.time() + 20
while time.time() < end:
    try: held.append(s.accept()[0])
    except socket.timeout: pass
' >"$TMP/silent.port" &
SILENT_PID=$!
for _ in $(seq 1 100); do [ -s "$TMP/silent.port" ] && break; sleep 0.05; done
expect "bench request timeout" 1 "timed out after 1000 ms" \
  -- "$FOLIO" bench --endpoint "http://127.0.0.1:$(cat "$TMP/silent.port")" --no-create \
  --access-key X --secret-key Y --clients 2 --duration 1 --timeout 1
kill "$SILENT_PID" 2>/dev/null; wait "$SILENT_PID" 2>/dev/null

# ---- folio ledger ----
LG=(--endpoint "$EP" --data-dir "$TMP/data")
expect "ledger create" 0 "name: +books" -- "$FOLIO" ledger create books --deletion-protection true "${LG[@]}"
expect "ledger create again" 1 "ResourceAlreadyExistsException" -- "$FOLIO" ledger create books "${LG[@]}"
expect "ledger list" 0 "^books	ACTIVE" -- "$FOLIO" ledger list "${LG[@]}"
expect "ledger describe" 0 "deletion protection: on" -- "$FOLIO" ledger describe books "${LG[@]}"
expect "ledger delete protected" 1 "ResourcePreconditionNotMetException" -- "$FOLIO" ledger delete books "${LG[@]}"
expect "ledger update" 0 "deletion protection: off" -- "$FOLIO" ledger update books --deletion-protection false "${LG[@]}"
expect "ledger delete" 0 "deleted" -- "$FOLIO" ledger delete books "${LG[@]}"
expect "ledger describe deleted" 1 "ResourceNotFoundException" -- "$FOLIO" ledger describe books "${LG[@]}"

# ---- interactive, through a pseudo-terminal ----
screen() { tmux -L "$SOCK" capture-pane -p -t shell -S -200; }
wait_for() {  # <pattern> [count]: waits until the screen shows the pattern `count` times
  local want=${2:-1}
  for _ in $(seq 1 200); do
    [ "$(screen | grep -cE -- "$1")" -ge "$want" ] && return 0
    sleep 0.05
  done
  return 1
}
# Types a line and Enter. tmux reads an argument ending in ';' as a command separator, so a
# trailing ';' is sent as the escaped key '\;'.
type_keys() {
  local text=$1
  if [ "${text%;}" != "$text" ]; then
    tmux -L "$SOCK" send-keys -t shell -l -- "${text%;}"
    tmux -L "$SOCK" send-keys -t shell '\;'
  else
    tmux -L "$SOCK" send-keys -t shell -l -- "$text"
  fi
}
type_line() { type_keys "$1"; tmux -L "$SOCK" send-keys -t shell Enter; }

HOME="$TMP" tmux -L "$SOCK" new-session -d -s shell -x 160 -y 50 \
  "env HOME=$TMP TERM=xterm ${SH[*]}; echo SHELL-EXITED-\$?; sleep 30"
wait_for "^folio>" && pass "interactive prompt" || fail "no prompt: $(screen)"
type_line "SELECT VALUE n"
wait_for '^   \.\.\.>' && pass "continuation prompt" || fail "no continuation prompt: $(screen)"
type_line "FROM Cars WHERE VIN = 'V2';"
wait_for "^1 document in" && wait_for "^2$" && pass "multi-line statement result" || fail "multi-line: $(screen)"
tmux -L "$SOCK" send-keys -t shell Up Enter
wait_for "^1 document in" 2 && pass "history (Up arrow) re-runs" || fail "history: $(screen)"
tmux -L "$SOCK" send-keys -t shell -l -- '\ta'
tmux -L "$SOCK" send-keys -t shell Tab Enter
wait_for "^Cars$" && pass "tab completes \\tables" || fail "tab command: $(screen)"
tmux -L "$SOCK" send-keys -t shell -l -- "SELECT VALUE VIN FROM Ca"
tmux -L "$SOCK" send-keys -t shell Tab
type_line " WHERE n = 3;"
wait_for '^"V3"$' && pass "tab completes a table name" || fail "tab table: $(screen)"
type_line "BEGIN;"
wait_for "^folio\*>" && pass "transaction prompt" || fail "BEGIN: $(screen)"
type_line "INSERT INTO Cars VALUE {'VIN': 'V4', 'n': 4};"
type_line "COMMIT;"
wait_for "committed in" && pass "interactive COMMIT" || fail "COMMIT: $(screen)"
type_line "SELECT * FROM NoSuchTable;"
wait_for "^error: " && wait_for "^folio>" 3 && pass "errors keep the shell running" || fail "error: $(screen)"
type_line '\verify Cars '"$ID"
wait_for "^OK: document $ID" && pass "interactive \\verify" || fail "verify: $(screen)"
type_line '\quit'
wait_for "SHELL-EXITED-0" && pass "\\quit exits 0" || fail "quit: $(screen)"
grep -q "'V4'" "$TMP/.folio_history" 2>/dev/null \
  && pass "history file written" || fail "history file: $(cat "$TMP/.folio_history" 2>&1)"
out=$("${SH[@]}" -q --format json -c "SELECT VALUE n FROM Cars WHERE VIN = 'V4'" 2>/dev/null)
[ "$out" = "4" ] && pass "interactive commit is durable" || fail "V4: '$out'"

echo "$FAILS failure(s)"
[ "$FAILS" = 0 ]
