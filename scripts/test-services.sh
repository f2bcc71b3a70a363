#!/usr/bin/env bash
# Start throw-away PostgreSQL and Redis servers on loopback for the test suite.
#
#   eval "$(scripts/test-services.sh start)"   # prints the export lines
#   scripts/test-services.sh stop
#
# Installs the Debian packages when missing (needs root, as CI has). PostgreSQL
# runs as the unprivileged "postgres" user (it refuses to run as root); both
# servers keep their files under $HAKEN_SERVICES_DIR (default /tmp/haken-services).
set -euo pipefail

DIR="${HAKEN_SERVICES_DIR:-/tmp/haken-services}"
PG_PORT="${HAKEN_TEST_PG_PORT:-55432}"
REDIS_PORT="${HAKEN_TEST_REDIS_PORT:-56379}"

as_postgres() {
    if [ "$(id -u)" = "0" ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_bin() {
    local name="$1"
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    echo "$found/$name"
}

install_missing() {
    local need=()
    [ -x "$(pg_bin initdb)" ] || need+=(postgresql)
    command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
    # The web UI: npm for the asset build, chromium and CJK fonts for the browser tests.
    command -v npm >/dev/null 2>&1 || need+=(npm)
    [ -x /usr/bin/chromium ] || need+=(chromium)
    [ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto | grep -q CJK \
        || need+=(fonts-noto-cjk)
    # pdftotext: tests/unit/labor/test_withholding_table.py re-reads the NTA withholding PDF.
    command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
    if [ "${#need[@]}" -gt 0 ]; then
        echo "installing ${need[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq "${need[@]}" >&2
        # Debian starts its own cluster and redis on install; ours use other ports.
    fi
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres >&2
    fi
}

start() {
    install_missing
    mkdir -p "$DIR"
    chmod 755 "$DIR"
    local pgdata="$DIR/pg"
    if [ ! -f "$pgdata/PG_VERSION" ]; then
        rm -rf "$pgdata"
        mkdir -p "$pgdata"
        [ "$(id -u)" = "0" ] && chown postgres:postgres "$pgdata"
        as_postgres "$(pg_bin initdb)" -D "$pgdata" -U postgres --auth=trust -E UTF8 \
            --locale=C.UTF-8 >&2
    fi
    if ! as_postgres "$(pg_bin pg_ctl)" -D "$pgdata" status >/dev/null 2>&1; then
        as_postgres "$(pg_bin pg_ctl)" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $pgdata -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >&2
    fi
    as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname='haken_test'" | grep -q 1 \
        || as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE haken_test" >&2

    if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
        redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
            --daemonize yes --dir "$DIR" --logfile "$DIR/redis.log" --pidfile "$DIR/redis.pid" >&2
        for _ in $(seq 1 50); do
            redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
            sleep 0.1
        done
    fi
    echo "export HAKEN_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:$PG_PORT/haken_test"
    echo "export HAKEN_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

stop() {
    if [ -f "$DIR/pg/PG_VERSION" ]; then
        as_postgres "$(pg_bin pg_ctl)" -D "$DIR/pg" -m fast stop >&2 || true
    fi
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
