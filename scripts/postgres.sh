# Sourced by scripts/test.sh: starts a throw-away PostgreSQL server on 127.0.0.1 (trust auth,
# data in a temp folder) unless one is already configured, and points the tests at it.
start_test_postgres() {
  if [ -n "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
    return 0
  fi
  local bin port=${HANDOFF_TEST_PG_PORT:-54329}
  # Another run on this machine (a benchmark beside the tests, say) may hold the
  # port: take the next free one rather than share, or stop, its server.
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
  done
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)"; return 1; }
  pg_dir=$(mktemp -d /tmp/handoff-pg.XXXXXX)
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$pg_dir"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$pg_dir/data" -U postgres -A trust >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-h 127.0.0.1 -p $port -k $pg_dir -c max_connections=300 -c fsync=off" start >/dev/null
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:$port"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port"
  trap 'stop_test_postgres' EXIT
}

stop_test_postgres() {
  if [ -n "${pg_dir:-}" ]; then
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
