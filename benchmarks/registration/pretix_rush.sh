#!/bin/bash
# The peer's registration rush (pretix), wired for a shared machine: what
# ../shared/benchmarks/peers/pretix_rush.sh does, with its port, database, Redis
# database and folder taken from the environment, so that two checkouts can run
# it at once, and with the set-up (install, migrate) timed apart from the rush.
# It uses the shared folder's pretix_setup.py (the event) and rush.py (the load).
#
# usage: pretix_rush.sh SEATS REQUESTS CONCURRENCY
#   PEER_SHARED  the shared peers folder (../shared/benchmarks/peers)
#   PEER_DIR     pretix's virtual environment and data (<tmp>/pretix-peer)
#   PEER_PORT    gunicorn's port on 127.0.0.1 (8100)
#   PEER_DB      its PostgreSQL database on 127.0.0.1:5432, user postgres (pretix)
#   PEER_REDIS   its Redis database number on 127.0.0.1:6379 (5)
#
# pretix's `migrate` from an empty database applies about 400 migrations; the
# time is Django rendering the model states in Python (PostgreSQL waits for the
# client meanwhile), about 3 CPU-minutes, so on a machine shared by many
# processes it takes as many times longer as the process gets of a core. The
# database is kept between runs (the run after the first finds nothing to
# apply), and the seconds each step took are printed as JSON.
set -eu
SEATS=${1:-30} REQUESTS=${2:-2000} CONC=${3:-64}
here=$(cd "$(dirname "$0")" && pwd)
shared=${PEER_SHARED:-$here/../../../shared/benchmarks/peers}
base=${PEER_DIR:-$(dirname "$(mktemp -u)")/pretix-peer}
port=${PEER_PORT:-8100}
db=${PEER_DB:-pretix}
redis=${PEER_REDIS:-5}
psql_=(psql -U postgres -h 127.0.0.1 -v ON_ERROR_STOP=1)
mkdir -p "$base/data"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

t0=$(now)
if [ ! -x "$base/venv/bin/gunicorn" ]; then
  python3.12 -m venv "$base/venv" 2>/dev/null || PYENV_VERSION=3.12.1 python3.12 -m venv "$base/venv"
  "$base/venv/bin/pip" install -q pretix gunicorn 2>&1 | grep -v "^WARNING: Location" || true
fi
t1=$(now)
cat > "$base/pretix.cfg" <<CFG
[pretix]
instance_name=bench
url=http://127.0.0.1:$port
currency=SEK
datadir=$base/data
[database]
backend=postgresql
name=$db
user=postgres
host=127.0.0.1
[redis]
location=redis://127.0.0.1:6379/$redis
sessions=true
[mail]
from=noreply@example.org
host=127.0.0.1
port=2525
CFG
export PRETIX_CONFIG_FILE=$base/pretix.cfg
"${psql_[@]}" -tc "select 1 from pg_database where datname='$db'" | grep -q 1 \
  || "${psql_[@]}" -c "create database \"$db\"" >/dev/null
(cd "$base/data" && "$base/venv/bin/python" -m pretix migrate -v 2 > "$base/migrate.log" 2>&1) \
  || { tail -n 20 "$base/migrate.log" >&2; exit 1; }
t2=$(now)
line=$(cd "$base/data" && SEATS=$SEATS "$base/venv/bin/python" -m pretix shell < "$shared/pretix_setup.py" 2>/dev/null | grep '^TOKEN=' | tail -n 1)
[ -n "$line" ] || { echo "pretix_setup.py made no event" >&2; exit 1; }
eval "$line"
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
  echo "port $port is taken: set PEER_PORT" >&2; exit 1
fi
(cd "$base/data" && "$base/venv/bin/gunicorn" pretix.wsgi --bind "127.0.0.1:$port" --workers 4 --log-level warning \
  --daemon --pid "$base/gunicorn.pid" --error-logfile "$base/gunicorn.log")
trap 'kill "$(cat "$base/gunicorn.pid")" 2>/dev/null || true' EXIT
up=0
for _ in $(seq 120); do
  if curl -fsS -o /dev/null -H "Authorization: Token $TOKEN" "http://127.0.0.1:$port/api/v1/organizers/"; then up=1; break; fi
  sleep 1
done
[ "$up" = 1 ] || { echo "pretix did not answer on port $port" >&2; tail -n 20 "$base/gunicorn.log" >&2; exit 1; }
t3=$(now)
python3 "$shared/rush.py" "http://127.0.0.1:$port/api/v1/organizers/bench/events/$EVENT/orders/" \
  --requests "$REQUESTS" --concurrency "$CONC" --header "Authorization: Token $TOKEN" \
  --body "{{\"email\":\"p{i}@example.org\",\"locale\":\"en\",\"sales_channel\":\"web\",\"payment_provider\":\"free\",\"positions\":[{{\"item\":$ITEM,\"attendee_name\":\"P {i}\"}}]}}"
sold=$("${psql_[@]}" -d "$db" -tAc "select count(*) from pretixbase_orderposition p join pretixbase_order o on o.id=p.order_id join pretixbase_event e on e.id=o.event_id where e.slug='$EVENT' and o.status in ('p','n')")
applied=$(grep -c "Applying" "$base/migrate.log" || true)
echo "{\"peer\": \"pretix\", \"seats\": $SEATS, \"sold\": $sold, \"overbooked\": $(( sold > SEATS ? sold - SEATS : 0 )), \"port\": $port, \"database\": \"$db\", \"install_seconds\": $(secs "$t0" "$t1"), \"migrate_seconds\": $(secs "$t1" "$t2"), \"migrations_applied\": $applied, \"start_seconds\": $(secs "$t2" "$t3")}"
