#!/usr/bin/env bash
# A single-node Apache Kafka 4.x broker in KRaft mode (broker + controller in one JVM) on 127.0.0.1, for development
# and tests. Jars come from Maven Central via scripts/install-kafka.sh (cached under ~/.cache/isa-kafka).
#
#   scripts/kafka-broker.sh start [--dir DIR] [--port PORT] [--controller-port PORT]
#       Starts a broker on a free port (or PORT) with its data in a new temp folder (or DIR). A DIR that already
#       holds a formatted broker is restarted as it was: same cluster id, same ports, same data (restart after a
#       crash). Prints, when the broker is ready:  KAFKA_BROKERS=127.0.0.1:PORT  KAFKA_BROKER_DIR=DIR  KAFKA_BROKER_PID=PID
#   scripts/kafka-broker.sh stop [--dir DIR] [--keep]
#       Stops the broker of DIR (default: the last one started without --dir) and deletes DIR unless --keep.
#   scripts/kafka-broker.sh status [--dir DIR]
#
# Env: ISA_KAFKA_VERSION (default 4.4.0), ISA_KAFKA_HEAP (default "-Xms256m -Xmx768m"), ISA_KAFKA_READY_TIMEOUT (s, 120).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state_root="${ISA_KAFKA_CACHE:-$HOME/.cache/isa-kafka}"
current="$state_root/current"

cmd="${1:-}"; shift || true
dir=""; port=""; cport=""; keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --controller-port) cport="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "kafka-broker: unknown option $1" >&2; exit 2 ;;
  esac
done

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Alive and not a zombie (an orphaned broker is reaped by whatever runs as PID 1, which may be slow or never).
alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null &&
    [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]
}

case "$cmd" in
  start)
    libs="$(bash "$here/install-kafka.sh")"
    # `stop` without --dir stops the last broker started without --dir (tests pass their own dirs and stay out of it).
    record=0
    if [ -z "$dir" ]; then dir="$(mktemp -d "${TMPDIR:-/tmp}/isa-kafka.XXXXXX")"; record=1; fi
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if [ -f "$dir/broker.pid" ] && alive "$(cat "$dir/broker.pid")"; then
      echo "kafka-broker: a broker is already running from $dir (pid $(cat "$dir/broker.pid"))" >&2; exit 1
    fi
    if [ -f "$dir/broker.env" ]; then
      # shellcheck disable=SC1091
      . "$dir/broker.env"
      port="${port:-$BROKER_PORT}"; cport="${cport:-$CONTROLLER_PORT}"
    fi
    port="${port:-$(free_port)}"; cport="${cport:-$(free_port)}"
    while [ "$cport" = "$port" ]; do cport="$(free_port)"; done
    mkdir -p "$dir/data"
    cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
# Topics are created by our admin code with their partition counts and retention; a typo must not create one.
auto.create.topics.enable=false
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.flush.interval.messages=9223372036854775807
PROPS
    cat >"$dir/log4j2.properties" <<L4J
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $dir/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
L4J
    printf 'BROKER_PORT=%s\nCONTROLLER_PORT=%s\n' "$port" "$cport" >"$dir/broker.env"
    jvm=(java ${ISA_KAFKA_HEAP:--Xms256m -Xmx768m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
      "-Dlog4j2.configurationFile=$dir/log4j2.properties" -cp "$libs/*")
    if [ ! -f "$dir/data/meta.properties" ]; then
      # 16 random bytes, base64url without padding (what kafka-storage random-uuid prints); no node needed.
      cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
      "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" >"$dir/format.log" 2>&1 ||
        { cat "$dir/format.log" >&2; exit 1; }
    fi
    : >"$dir/server.log"
    setsid nohup "${jvm[@]}" kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$dir/broker.pid"
    if [ "$record" = 1 ]; then mkdir -p "$state_root"; echo "$dir" >"$current"; fi
    deadline=$((SECONDS + ${ISA_KAFKA_READY_TIMEOUT:-120}))
    until grep -q "Kafka Server started" "$dir/server.log" 2>/dev/null; do
      if ! alive "$pid"; then
        echo "kafka-broker: the broker exited during start; last lines:" >&2
        tail -n 30 "$dir/server.log" "$dir/stdout.log" >&2; exit 1
      fi
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "kafka-broker: not ready after ${ISA_KAFKA_READY_TIMEOUT:-120}s; see $dir/server.log" >&2
        kill "$pid" 2>/dev/null || true; exit 1
      fi
      sleep 0.2
    done
    echo "KAFKA_BROKERS=127.0.0.1:$port"
    echo "KAFKA_BROKER_DIR=$dir"
    echo "KAFKA_BROKER_PID=$pid"
    ;;
  stop)
    if [ -z "$dir" ]; then dir="$(cat "$current" 2>/dev/null || true)"; fi
    if [ -z "$dir" ] || [ ! -d "$dir" ]; then echo "kafka-broker: no broker to stop" >&2; exit 0; fi
    pid="$(cat "$dir/broker.pid" 2>/dev/null || true)"
    if alive "$pid"; then
      kill "$pid"
      for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.2; done
      if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
    if [ "$keep" = 0 ]; then rm -rf "$dir"; fi
    if [ "$(cat "$current" 2>/dev/null || true)" = "$dir" ]; then rm -f "$current"; fi
    echo "kafka-broker: stopped ($dir)"
    ;;
  status)
    if [ -z "$dir" ]; then dir="$(cat "$current" 2>/dev/null || true)"; fi
    if [ -n "$dir" ] && [ -f "$dir/broker.pid" ] && alive "$(cat "$dir/broker.pid")"; then
      . "$dir/broker.env"; echo "running: KAFKA_BROKERS=127.0.0.1:$BROKER_PORT (pid $(cat "$dir/broker.pid"), $dir)"
    else
      echo "not running"; exit 1
    fi
    ;;
  *)
    echo "usage: $0 start|stop|status [--dir DIR] [--port PORT] [--controller-port PORT] [--keep]" >&2; exit 2 ;;
esac
